import pytest

from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for


@pytest.fixture
def views(store_url):
    store = view_store_for(store_url)
    yield store
    store.close()


@pytest.fixture
def runner(ledger, views):
    return ProjectionRunner(ledger, views, all_projections())

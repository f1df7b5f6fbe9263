"""The served shift the hours and approval tests start from."""

import pytest

from domain.values import Actor
from tests import factories as f


@pytest.fixture
def served(ledger):
    """A community, an activity, a two-hour shift tomorrow and a confirmed volunteer."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    shift = f.shift(ledger, activity, hours=2)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    return activity, shift, volunteer

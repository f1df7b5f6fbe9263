"""Response fields that take one of a closed set of values say which in the OpenAPI."""

from __future__ import annotations

import pytest

CLOSED_SETS = [
    ("ShiftPublic", "status", {"scheduled", "running", "completed", "cancelled"}),
    ("ShiftStatisticsPublic", "status", {"scheduled", "cancelled"}),
    ("VolunteerPublic", "status", {"active", "suspended", "withdrawn", "erased"}),
    ("FoundVolunteer", "status", {"active", "suspended", "withdrawn", "erased"}),
    ("ServiceRecordPublic", "status", {"pending", "approved", "rejected", "revoked"}),
    ("ServiceRecordPublic", "source", {"attendance", "manual"}),
    ("VerdictPublic", "status", {"valid", "revoked", "superseded", "unknown"}),
    (
        "VerdictPublic",
        "verdict",
        {"valid", "revoked", "superseded", "unknown", "invalid", "authentic"},
    ),
]


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    from api.app import create_app
    from api.settings import Settings

    data = tmp_path_factory.mktemp("data")
    app = create_app(
        Settings(data_dir=data, store=f"sqlite:///{data}/l.db", follow_projections=False)
    )
    return app.openapi()["components"]["schemas"]


def enum_of(schemas, field):
    """The values of ``field``, through a ``$ref`` or a nullable ``anyOf``."""
    options = field.get("anyOf", [field])
    values = set()
    for option in options:
        if "$ref" in option:
            option = schemas[option["$ref"].rsplit("/", 1)[1]]
        values |= set(option.get("enum", []))
    return values


@pytest.mark.parametrize(("model", "name", "values"), CLOSED_SETS)
def test_a_closed_set_is_an_enum_in_the_openapi(schemas, model, name, values):
    assert enum_of(schemas, schemas[model]["properties"][name]) == values

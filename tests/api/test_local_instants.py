from datetime import UTC, datetime

import pytest

from api.local_instants import moment_from
from domain.errors import InvalidInputError

SHANGHAI = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("text", "end_of_day", "utc"),
    [
        ("2026-12-02T07:30:00+08:00", False, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)),
        ("2026-12-01T23:30:00Z", False, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)),
        ("2026-12-02T07:30", False, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)),
        ("2026-12-02 07:30:00", False, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)),
        ("2026-12-02", False, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),
        ("2026-12-02", True, datetime(2026, 12, 2, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_filter_takes_an_instant_a_local_time_or_a_local_day(text, end_of_day, utc):
    assert moment_from(text, SHANGHAI, field="since", end_of_day=end_of_day) == utc


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30T08:00", "9999-12-31"])
def test_an_impossible_date_is_invalid_input_naming_the_field(text):
    with pytest.raises(InvalidInputError) as refused:
        moment_from(text, SHANGHAI, field="until", end_of_day=True)
    assert refused.value.context["field"] == "until"

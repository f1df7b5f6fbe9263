from datetime import date
from uuid import uuid4

import pytest

from domain.certificate_request import CertificateRequest
from domain.errors import InvalidInputError
from domain.values import SYSTEM

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def requested() -> CertificateRequest:
    return CertificateRequest.request(
        id=uuid4(),
        volunteer_id=uuid4(),
        issuer_id=uuid4(),
        period_start=NOVEMBER[0],
        period_end=NOVEMBER[1],
        actor=SYSTEM,
    )


def test_a_certificate_for_a_request_covers_the_requested_period():
    assert requested().period_for(None, None) == NOVEMBER


def test_the_issuer_may_repeat_the_requested_period():
    assert requested().period_for(*NOVEMBER) == NOVEMBER


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(date(2026, 10, 1), None, "period_start"), (None, date(2026, 12, 31), "period_end")],
)
def test_another_period_than_the_requested_one_is_refused(start, end, field):
    with pytest.raises(InvalidInputError) as refused:
        requested().period_for(start, end)
    assert refused.value.context["field"] == field

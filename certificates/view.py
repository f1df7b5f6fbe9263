"""What a printed certificate shows: plain values the API builds from the ledger's read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from certificates.errors import CertificateDataError


@dataclass(frozen=True)
class CertificateRecord:
    """One counted service record, as a line of the certificate's table."""

    service_date: date
    activity: str  # 早高峰文明交通劝导
    category: str  # 文明劝导
    minutes: int


@dataclass(frozen=True)
class CertificateView:
    """Everything printed on one certificate; the signed credential travels beside it."""

    number: str  # VC-2026-000123
    volunteer_name: str  # 王小明
    volunteer_number: str  # nine digits; never an ID-card number
    total_minutes: int
    period_start: date
    period_end: date
    records: list[CertificateRecord]
    issuer_name: str  # 和平里社区新时代文明实践站
    person_in_charge: str  # 负责人
    handler: str  # 经办人
    contact: str  # 联系方式
    issued_on: date
    verification_url: str  # https://ledger.example/V/VC2026000123
    status_note: str | None = None  # 已撤销 / Revoked, when printing a revoked certificate


def check_printable(view: CertificateView) -> None:
    """Refuse a view whose printout would contradict itself or expose an ID-card number."""
    number = view.volunteer_number
    if not (len(number) == 9 and number.isascii() and number.isdigit()):
        # An 18-character resident ID must never reach paper; the ledger's numbers are 9 digits.
        raise CertificateDataError(
            "the volunteer number must be the ledger's nine digits",
            certificate=view.number,
        )
    if not view.records:
        raise CertificateDataError(
            "a certificate lists at least one service record", certificate=view.number
        )
    negative = [record for record in view.records if record.minutes < 0]
    if negative:
        raise CertificateDataError(
            f"a record on {negative[0].service_date} has negative minutes",
            certificate=view.number,
        )
    listed = sum(record.minutes for record in view.records)
    if listed != view.total_minutes:
        raise CertificateDataError(
            f"the total {view.total_minutes} minutes is not the sum of the records ({listed})",
            certificate=view.number,
            total_minutes=view.total_minutes,
            listed_minutes=listed,
        )
    if view.period_start > view.period_end:
        raise CertificateDataError(
            f"the period starts {view.period_start}, after it ends {view.period_end}",
            certificate=view.number,
        )

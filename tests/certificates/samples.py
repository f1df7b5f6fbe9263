"""Plain factory functions for certificates: 王小明's hours at 和平里社区."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from typing import Any

from certificates.pdf import CertificateRecord, CertificateView

_ACTIVITIES = (
    ("早高峰文明交通劝导", "文明劝导"),
    ("社区老年人智能手机使用辅导", "助老服务"),
    ("垃圾分类桶前值守与宣传", "环境保护"),
)


def a_record(index: int = 0, minutes: int = 90) -> CertificateRecord:
    activity, category = _ACTIVITIES[index % len(_ACTIVITIES)]
    return CertificateRecord(
        service_date=date(2026, 3, 2) + timedelta(days=index),
        activity=activity,
        category=category,
        minutes=minutes,
    )


def a_certificate(record_count: int = 3, **changes: Any) -> CertificateView:
    records = [a_record(index, minutes=90 + 10 * (index % 3)) for index in range(record_count)]
    view = CertificateView(
        number="VC2026000123",
        volunteer_name="王小明",
        volunteer_number="123456782",
        total_minutes=sum(record.minutes for record in records),
        period_start=records[0].service_date,
        period_end=records[-1].service_date,
        records=records,
        issuer_name="和平里社区新时代文明实践站",
        person_in_charge="李建国",
        handler="张敏",
        contact="010-6421 5678",
        issued_on=date(2026, 6, 1),
        verification_url="https://ledger.example/V/VC2026000123",
    )
    return dataclasses.replace(view, **changes)


def a_credential() -> bytes:
    """Signed-credential-shaped JSON, non-ASCII and without a trailing newline."""
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "VolunteerServiceCertificate"],
        "credentialSubject": {"name": "王小明", "totalMinutes": 270},
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}],
    }
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()

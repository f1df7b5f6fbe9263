"""Measure certificate rendering: time and size for 3 and for 40 records.

    .venv/bin/python bench/bench_pdf.py [--out /tmp/sample-certificate.pdf] [--repeat 3]

Not a test: timings depend on the machine. Writes the short sample when ``--out`` is given.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from certificates.pdf import CertificateRecord, CertificateView, render_certificate_pdf

_ACTIVITIES = (
    ("早高峰文明交通劝导", "文明劝导"),
    ("社区老年人智能手机使用辅导", "助老服务"),
    ("垃圾分类桶前值守与宣传", "环境保护"),
    ("社区图书角整理与儿童绘本共读", "文化服务"),
)


def sample_view(record_count: int) -> CertificateView:
    """A certificate for 王小明 with ``record_count`` records of 90 to 240 minutes."""
    first_day = date(2026, 1, 5)
    records = [
        CertificateRecord(
            service_date=first_day + timedelta(days=3 * index),
            activity=_ACTIVITIES[index % len(_ACTIVITIES)][0],
            category=_ACTIVITIES[index % len(_ACTIVITIES)][1],
            minutes=90 + (index * 50) % 160,
        )
        for index in range(record_count)
    ]
    return CertificateView(
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


def sample_credential(view: CertificateView) -> bytes:
    """A stand-in for the signed credential: the bench measures the PDF, not the signing."""
    document = {"type": ["VerifiableCredential"], "id": view.number, "proof": []}
    return json.dumps(document, ensure_ascii=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the 3-record sample certificate here")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    for record_count in (3, 40):
        view = sample_view(record_count)
        credential = sample_credential(view)
        timings = []
        for _ in range(arguments.repeat):
            started = time.perf_counter()
            pdf = render_certificate_pdf(view, credential)
            timings.append(time.perf_counter() - started)
        pages = len(PdfReader(BytesIO(pdf)).pages)
        print(
            f"{record_count:>3} records: {len(pdf):,} bytes, {pages} page(s), "
            f"best {min(timings):.2f} s, worst {max(timings):.2f} s over {arguments.repeat} runs"
        )
        if arguments.out and record_count == 3:
            arguments.out.write_bytes(pdf)


if __name__ == "__main__":
    main()

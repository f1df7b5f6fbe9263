"""Certificates issued and verified per second, through the same code the API runs.

    .venv/bin/python -m bench.bench_certificates [--certificates 50]

Builds a community with volunteers and approved records on SQLite, then times issuing (the
ledger command), building and signing the credential with its log proofs, and verifying it
(every check, online ones included). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from domain.values import SYSTEM, Actor


def run(count: int) -> dict[str, object]:
    """Issue, build and verify ``count`` certificates in a fresh SQLite ledger: rates a second."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        settings = Settings(
            data_dir=data, store=f"sqlite:///{data}/ledger.db", follow_projections=False
        )
        with TestClient(create_app(settings)) as client:
            services = client.app.state.services  # type: ignore[attr-defined]
            certificates = client.app.state.certificates  # type: ignore[attr-defined]
            ledger = services.ledger
            community = ledger.create_organisation(name="和平里社区", kind="community")
            activity = ledger.create_activity(
                title="文明劝导",
                category="文明劝导",
                organisation_id=community,
                location="路口",
                actor=SYSTEM,
            )
            # One organiser records the hours and another approves them (the second party).
            organiser, checker = (
                Actor.account(
                    ledger.create_staff_account(
                        username=username,
                        display_name=username,
                        password_hash="-",
                        organisation_id=community,
                    )
                )
                for username in ("bench.organiser", "bench.checker")
            )
            volunteers = []
            for n in range(count):
                volunteer = ledger.register_volunteer(
                    name=f"志愿者{n}",
                    phone=f"139{n:08d}",
                    birth_date=date(1990, 1, 1),
                    home_organisation_id=community,
                    privacy_consent=True,
                )
                records = []
                for day in range(3):
                    start = datetime(2026, 3, 2 + day, 1, tzinfo=UTC)
                    record = ledger.record_service(
                        volunteer_id=volunteer,
                        activity_id=activity,
                        started_at=start,
                        ended_at=start + timedelta(hours=2),
                        description="劝导",
                        actor=organiser,
                    )
                    ledger.approve_record(record, checker)
                    records.append(record)
                volunteers.append((volunteer, records))
            started = time.perf_counter()
            numbers = []
            for volunteer, records in volunteers:
                issued = ledger.issue_certificate(
                    issuer_id=community,
                    volunteer_id=volunteer,
                    record_ids=records,
                    person_in_charge="李主任",
                    handler="王干事",
                    contact="010-1",
                    actor=SYSTEM,
                )
                numbers.append(ledger.certificate_number_of(issued))
            issuing = time.perf_counter() - started
            certificates.log.refresh()
            started = time.perf_counter()
            credentials = [certificates.credential(number) for number in numbers]
            building = time.perf_counter() - started
            started = time.perf_counter()
            verdicts = [certificates.verify(credential).verdict for credential in credentials]
            verifying = time.perf_counter() - started
        log_size = certificates.log.size()
    return {
        "certificates": len(numbers),
        "log_size": log_size,
        "issued_per_second": len(numbers) / issuing,
        "built_and_signed_per_second": len(numbers) / building,
        "verified_per_second": len(numbers) / verifying,
        "verdicts": sorted(set(verdicts)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=50)
    figures = run(parser.parse_args().certificates)
    print(f"certificates: {figures['certificates']}, log size {figures['log_size']} leaves")
    print(f"issued (ledger command):        {figures['issued_per_second']:8.1f} /s")
    print(f"credential built and signed:    {figures['built_and_signed_per_second']:8.1f} /s")
    print(f"verified, every check:          {figures['verified_per_second']:8.1f} /s")
    print(f"verdicts: {figures['verdicts']}")


if __name__ == "__main__":
    main()

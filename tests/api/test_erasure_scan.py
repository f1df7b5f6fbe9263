"""After an erasure, the person's name and phone are nowhere in what the service stores.

Every file of the data folder (SQLite files with their -wal and -shm, keys, anything else) and a
``pg_dump`` of the PostgreSQL schema are searched for the name and the phone in every spelling
the service could have written them in.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

from tests.api import every_store
from tests.api.conftest import PASSWORD
from tests.api.every_store import read
from tests.api.test_erasure import NAME, PHONE, register

api = every_store.api  # this module's tests run on every store

#: The event store's own tables: until personal fields are encrypted per person, the only
#: place the name may still be (``leaks`` names the table of each hit in a dump).
EVENT_STORE_TABLES = ("_events", "snapshots")


def spellings(text: str) -> set[bytes]:
    """The text as UTF-8, and as JSON ``\\uXXXX`` escapes in lower and upper case."""
    escaped = json.dumps(text)[1:-1]
    upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m[1].upper(), escaped)
    return {spelling.encode() for spelling in (text, escaped, upper)}


def phone_spellings(phone: str) -> set[bytes]:
    """The phone with and without +86 / 0086, with spaces or dashes as people group it."""
    grouped = f"{phone[:3]}{{0}}{phone[3:7]}{{0}}{phone[7:]}"
    bare = {phone, *(grouped.format(sep) for sep in (" ", "-"))}
    return {
        spelling
        for number in bare
        for prefix in ("", "+86", "+86 ", "0086", "+86-")
        for spelling in spellings(prefix + number)
    }


NEEDLES = spellings(NAME) | phone_spellings(PHONE)
#: As a dump shows a ``bytea`` value: hex digits.
HEX_NEEDLES = {needle.hex().encode(): needle for needle in NEEDLES}


def hits(blob: bytes) -> set[bytes]:
    return {needle for needle in NEEDLES if needle in blob}


def hex_hits(blob: bytes) -> set[bytes]:
    return {needle for spelt, needle in HEX_NEEDLES.items() if spelt in blob.lower()}


def data_folder_leaks(api) -> dict[str, set[bytes]]:
    folder = api.services.settings.data_dir
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if leaked := hits(path.read_bytes()):
            found[str(path.relative_to(folder))] = leaked
    return found


def pg_dump_leaks(store: str) -> dict[str, set[bytes]]:
    """The hits of a ``pg_dump`` of the test's schema, by the table whose data holds them."""
    parts = urlsplit(store)
    schema = parse_qs(parts.query)["schema"][0]
    dump = subprocess.run(
        ["/usr/bin/pg_dump", "--schema", schema, parts._replace(query="").geturl()],
        check=True,
        capture_output=True,
    ).stdout
    found: dict[str, set[bytes]] = {}
    table = "?"
    for line in dump.splitlines():
        if line.startswith(b"COPY "):
            table = line.split()[1].decode()
        if leaked := hits(line) | hex_hits(line):
            found.setdefault(table, set()).update(leaked)
    return found


def outside_the_event_store(leaks: dict[str, set[bytes]]) -> dict[str, set[bytes]]:
    """The hits outside the event store: its SQLite file (ledger.db and its WAL) or its tables."""
    return {
        where: leaked
        for where, leaked in leaks.items()
        if not where.startswith("ledger.db") and not where.endswith(EVENT_STORE_TABLES)
    }


def erase_a_volunteer_with_hours(api, world):
    volunteer, token = register(api, world)
    # A keyed answer and reads that put the person in every read model and answer store.
    keyed = {**token, "Idempotency-Key": "profile-change-1"}
    changed = api.client.post(
        f"/v1/volunteers/{volunteer}/listing", headers=keyed, json={"public": False}
    )
    assert changed.status_code == 200, changed.text
    assert NAME in read(api, f"/v1/volunteers/{volunteer}", world.tokens["organiser"]).text
    erased = api.client.post(
        f"/v1/volunteers/{volunteer}/erasure", headers=token, json={"password": PASSWORD}
    )
    assert erased.status_code == 200, erased.text
    read(api, "/v1/audit", world.tokens["admin"], volunteer_id=str(volunteer))  # caught up


def leaks_of(api) -> dict[str, set[bytes]]:
    leaks = data_folder_leaks(api)
    store = api.services.settings.store
    if store.startswith("postgres"):
        leaks |= {f"pg:{table}": found for table, found in pg_dump_leaks(store).items()}
    return leaks


def test_outside_the_event_store_nothing_holds_the_erased_name_or_phone(api, world):
    erase_a_volunteer_with_hours(api, world)
    assert outside_the_event_store(leaks_of(api)) == {}


def test_no_log_line_holds_the_name_or_phone(api, world, caplog):
    with caplog.at_level(logging.DEBUG):
        erase_a_volunteer_with_hours(api, world)
    assert [r.getMessage() for r in caplog.records if hits(r.getMessage().encode())] == []


def test_nothing_stored_holds_the_erased_name_or_phone(api, world):
    erase_a_volunteer_with_hours(api, world)
    assert leaks_of(api) == {}

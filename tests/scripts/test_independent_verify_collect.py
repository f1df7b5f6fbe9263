"""The independent verification's driver finds, on the running service, each document a
credential names by URL (scripts/independent_verify_collect.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "independent_verify_collect.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("independent_verify_collect", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


collect = load()


def test_a_did_web_with_a_port_is_its_well_known_did_document() -> None:
    assert collect.served_path("did:web:127.0.0.1%3A8000#z6Mk") == "/.well-known/did.json"


def test_a_did_web_with_a_path_is_the_did_document_under_that_path() -> None:
    assert collect.served_path("did:web:example.cn:ledger:east") == "/ledger/east/did.json"


def test_a_url_is_read_at_its_own_path_and_query_on_the_service() -> None:
    url = "https://volunteer.example.cn/v1/status-lists/revocation/0?v=2#16853"
    assert collect.served_path(url) == "/v1/status-lists/revocation/0?v=2"


def test_every_context_is_found_at_any_depth() -> None:
    document = {
        "@context": ["https://a.example/v1", {"@context": "https://b.example/v1"}],
        "proof": [{"@context": ["https://c.example/v1"]}],
    }
    assert sorted(collect.context_urls(document)) == [
        "https://a.example/v1",
        "https://b.example/v1",
        "https://c.example/v1",
    ]


def test_the_status_entries_are_read_from_one_object_or_a_list() -> None:
    entry = {"type": "BitstringStatusListEntry", "statusListCredential": "https://x.example/0"}
    assert collect.status_entries({"credentialStatus": entry}) == [entry]
    assert collect.status_entries({"credentialStatus": [entry, "junk"]}) == [entry]

"""RDFC-1.0 canonicalisation: bundled contexts only, nothing fetched, no term silently dropped."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import pytest

from tests.conftest import TEST_VECTORS
from trust.errors import CanonicalizationError, TrustError, UnknownContextError
from trust.rdfc import (
    CONTEXT_FILES,
    OB_V3_CONTEXT,
    VC_V2_CONTEXT,
    BundledDocumentLoader,
    bundled_contexts,
    canonize,
)

# Published in Verifiable Credentials Data Model v2.0 (W3C Recommendation), Appendix B.1.
VC_V2_CONTEXT_SHA256 = "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"


def credential(**members: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": "urn:uuid:3f6d1c2e-8a4b-4c59-9d0e-6f7a8b9c0d1e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://ledger.example/organisations/1", "type": ["Profile"]},
        "validFrom": "2025-03-01T09:30:00Z",
        "name": "志愿服务证明",
        **members,
    }


# --- The bundled contexts.


def test_bundled_vc_context_has_the_hash_the_recommendation_publishes():
    data = resources.files("trust").joinpath("contexts", CONTEXT_FILES[VC_V2_CONTEXT])
    assert hashlib.sha256(data.read_bytes()).hexdigest() == VC_V2_CONTEXT_SHA256


def test_every_bundled_context_is_a_json_ld_context_document():
    assert all("@context" in document for document in bundled_contexts().values())


def test_the_loader_serves_a_bundled_context():
    remote = BundledDocumentLoader()(OB_V3_CONTEXT, {})
    assert remote["document"] == bundled_contexts()[OB_V3_CONTEXT]


def test_the_loader_refuses_any_other_url_without_fetching_it():
    with pytest.raises(UnknownContextError, match="is not bundled"):
        BundledDocumentLoader()("https://w3id.org/security/data-integrity/v2", {})


def test_what_the_loader_serves_cannot_be_changed_through_a_served_copy():
    loader = BundledDocumentLoader()
    loader(VC_V2_CONTEXT, {})["document"]["@context"]["name"] = "https://evil.example/name"
    assert loader(VC_V2_CONTEXT, {})["document"] == bundled_contexts()[VC_V2_CONTEXT]


def test_a_bundled_context_cannot_be_replaced_by_an_extra_one():
    with pytest.raises(TrustError, match="cannot be replaced"):
        BundledDocumentLoader({VC_V2_CONTEXT: {"@context": {"@vocab": "https://evil.example#"}}})


# --- Canonical N-Quads.


def test_a_credential_canonicalises_to_sorted_n_quads():
    lines = canonize(credential()).decode().splitlines()
    assert lines == sorted(lines)
    assert '<https://schema.org/name> "志愿服务证明" .' in canonize(credential()).decode()


def test_member_order_does_not_change_the_canonical_form():
    document = credential()
    reordered = dict(reversed(list(document.items())))
    assert canonize(reordered) == canonize(document)


def test_a_changed_value_changes_the_canonical_form():
    assert canonize(credential(name="志愿服务证明 ")) != canonize(credential())


def test_blank_nodes_get_canonical_labels():
    document = credential(credentialSubject={"type": ["AchievementSubject"]})
    assert b"_:c14n0" in canonize(document)


# --- Safe mode: a document that would lose a statement has no canonical form.


def test_an_undefined_term_is_refused_by_name():
    with pytest.raises(CanonicalizationError, match="'logKey' is not defined"):
        canonize(credential(logKey="z6Mk…"))


def test_an_undefined_term_deep_in_the_document_is_refused():
    subject = {"type": ["AchievementSubject"], "certificate": {"totalMinutes": 90}}
    with pytest.raises(CanonicalizationError, match="'certificate' is not defined"):
        canonize(credential(credentialSubject=subject))


def test_a_relative_type_is_refused():
    status = {"id": "urn:uuid:5c8e…", "type": "VolunteerLedgerStatus"}
    with pytest.raises(CanonicalizationError, match="type 'VolunteerLedgerStatus'"):
        canonize(credential(credentialStatus=status))


def test_a_relative_id_is_refused():
    with pytest.raises(CanonicalizationError, match="id 'certificates/7'"):
        canonize(credential(id="certificates/7"))


def test_a_context_that_is_not_bundled_is_refused_by_url():
    document = credential()
    document["@context"] = [*document["@context"], "https://ledger.example/contexts/v1"]
    with pytest.raises(UnknownContextError, match=r"https://ledger\.example/contexts/v1"):
        canonize(document)


def test_an_extra_context_served_by_the_callers_loader_defines_its_terms():
    extra_url = "https://ledger.example/contexts/v1"
    loader = BundledDocumentLoader(
        {extra_url: {"@context": {"logKey": "https://ledger.example/ns#logKey"}}}
    )
    document = credential(logKey="z6Mk…")
    document["@context"] = [*document["@context"], extra_url]
    assert b"<https://ledger.example/ns#logKey>" in canonize(document, document_loader=loader)


@pytest.mark.parametrize(
    "document",
    [["not", "an", "object"], {"@context": 7}, {"@context": "relative.jsonld", "name": "x"}],
    ids=["array", "number-context", "relative-context-url"],
)
def test_input_that_is_not_json_ld_is_refused_not_raised_raw(document):
    with pytest.raises(CanonicalizationError):
        canonize(document)


def test_the_vectors_example_context_is_not_bundled():
    examples = TEST_VECTORS / "contexts" / "credentials-examples-v2.jsonld"
    assert json.loads(examples.read_text())["@context"]["@vocab"]
    assert "https://www.w3.org/ns/credentials/examples/v2" not in CONTEXT_FILES


# --- Portability: what pyld would write differently from RDFC-1.0 is refused.


@pytest.mark.parametrize("char", ["\x01", "\b", "\f", "\x0b", "\x1f", "\x7f"], ids=repr)
def test_a_literal_with_a_control_character_rdfc_escapes_otherwise_is_refused(char):
    with pytest.raises(CanonicalizationError, match="control character"):
        canonize(credential(name=f"志愿{char}服务"))


def test_tab_newline_quote_and_backslash_are_escaped_as_rdfc_escapes_them():
    quads = canonize(credential(name='a\tb\nc\rd"e\\f')).decode()
    assert '"a\\tb\\nc\\rd\\"e\\\\f"' in quads


def test_an_iri_with_a_character_rdfc_escapes_is_refused():
    with pytest.raises(CanonicalizationError, match="escapes and pyld does not"):
        canonize(credential(id="urn:uuid:{3f6d1c2e}"))


# --- Poison graphs: bounded work, not a hung verifier.


def blank_node_clique(size: int) -> dict[str, Any]:
    """Blank nodes that all know each other: no two can be told apart."""
    knows = "https://schema.org/knows"
    return {
        "@graph": [
            {"@id": f"_:b{i}", knows: [{"@id": f"_:b{j}"} for j in range(size) if j != i]}
            for i in range(size)
        ]
    }


def test_a_small_symmetric_graph_still_canonicalises():
    assert canonize(blank_node_clique(3)).count(b"_:c14n") == 12


@pytest.mark.parametrize("size", [5, 8, 40], ids=lambda size: f"clique-of-{size}")
def test_a_poison_graph_is_refused_instead_of_taking_minutes(size):
    with pytest.raises(CanonicalizationError, match="poison graph"):
        canonize(blank_node_clique(size))


def test_many_identical_blank_nodes_are_not_mistaken_for_poison():
    results = [{"type": ["Result"], "value": "90"} for _ in range(50)]
    subject = {"type": ["AchievementSubject"], "result": results}
    assert canonize(credential(credentialSubject=subject))


def test_a_language_tag_keeps_its_place_in_the_canonical_form():
    name = {"@value": "Volunteer service certificate", "@language": "en"}
    assert b'"Volunteer service certificate"@en .' in canonize(credential(name=name))


def test_a_malformed_language_tag_is_refused():
    with pytest.raises(CanonicalizationError, match="is not a language tag"):
        canonize(credential(name={"@value": "志愿服务证明", "@language": "zh CN"}))

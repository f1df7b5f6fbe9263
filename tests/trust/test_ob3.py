"""Our JSON-LD context: bundled, pinned by hash, and never changed under its URL."""

from trust.ob3 import CONTEXTS, LEDGER_CONTEXT, ledger_context_digest, related_resources
from trust.rdfc import BundledDocumentLoader

#: Certificates already issued pin this digest: a change to the context is a new file and URL.
ISSUED_DIGEST = "sha384-eJylNcu/57ZWsxID7GtE8xEK0zn1DaWKScgHxzvohMd6fsCu4lIdMYxbxnyB//FP"


def test_the_context_has_not_changed_under_its_url():
    assert ledger_context_digest() == ISSUED_DIGEST


def test_every_context_a_certificate_names_is_bundled():
    assert set(CONTEXTS) <= BundledDocumentLoader().urls


def test_the_certificate_pins_our_context_by_its_digest():
    assert related_resources() == [
        {"id": LEDGER_CONTEXT, "digestSRI": ISSUED_DIGEST, "mediaType": "application/ld+json"}
    ]

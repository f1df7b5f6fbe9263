"""A volunteer-service certificate as a PDF: printable, with its signed credential inside.

The PDF is a view, not the proof: the proof is the signed JSON credential embedded in it as
``certificate.json``, so the file verifies offline and the paper verifies through its QR code.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from certificates.errors import CertificateDataError, CredentialExtractionError
from certificates.fonts import close_fonts, register_cjk_font, require_glyphs
from certificates.layout import CertificateDocument
from certificates.qr import qr_payload, verification_qr
from certificates.view import CertificateRecord, CertificateView, check_printable

__all__ = [
    "CREDENTIAL_FILENAME",
    "CertificateRecord",
    "CertificateView",
    "extract_credential",
    "read_credential",
    "render_certificate_pdf",
]

CREDENTIAL_FILENAME = "certificate.json"
CREDENTIAL_MIME_TYPE = "application/json"


def render_certificate_pdf(
    view: CertificateView, credential_json: bytes, *, font_path: Path | None = None
) -> bytes:
    """The certificate as A4 PDF bytes, with ``credential_json`` attached byte for byte.

    ``font_path`` names a CJK font (a .ttf, .otf, .ttc or .otc) for deployments that bring their
    own; by default the bundled Noto Sans CJK SC is used. The same inputs give the same bytes.
    Takes about a second (subsetting the CJK font): call it off the event loop.
    """
    check_printable(view)
    if not credential_json:
        raise CertificateDataError(
            "the signed credential to embed is empty", certificate=view.number
        )
    qr_text = qr_payload(view.verification_url)
    qr = verification_qr(view.verification_url)

    document = CertificateDocument(view)
    try:
        register_cjk_font(document, font_path)
        # Dated by the certificate, not the clock, so that rendering is deterministic.
        issued_at = datetime.combine(view.issued_on, time(), tzinfo=UTC)
        _describe(document, view, issued_at)
        document.draw(qr, qr_text)
        require_glyphs(document)
        document.embed_file(
            bytes=credential_json,
            basename=CREDENTIAL_FILENAME,
            mime_type=CREDENTIAL_MIME_TYPE,
            desc="已签名的志愿服务证明凭证 / Signed certificate credential (JSON)",
            modification_date=issued_at,
            compress=True,
        )
        return bytes(document.output())
    finally:
        close_fonts(document)


def _describe(document: CertificateDocument, view: CertificateView, issued_at: datetime) -> None:
    document.set_creation_date(issued_at)
    document.set_lang("zh-CN")
    document.set_title(f"志愿服务证明 {view.number}")
    document.set_subject("志愿服务证明 / Certificate of Volunteer Service")
    document.set_author(view.issuer_name)
    document.set_creator("volunteer-ledger")


def extract_credential(pdf: bytes) -> bytes:
    """The ``certificate.json`` embedded in a certificate PDF, exactly as it was attached."""
    try:
        reader = PdfReader(BytesIO(pdf))
        attachments = reader.attachments
        contents = attachments.get(CREDENTIAL_FILENAME)
    except (PyPdfError, ValueError, KeyError) as error:
        raise CredentialExtractionError(f"the file is not a readable PDF: {error}") from error
    if not contents:
        raise CredentialExtractionError(
            f"the PDF carries no embedded {CREDENTIAL_FILENAME}", filename=CREDENTIAL_FILENAME
        )
    if len(contents) > 1:
        raise CredentialExtractionError(
            f"the PDF carries {len(contents)} files named {CREDENTIAL_FILENAME}; expected one",
            filename=CREDENTIAL_FILENAME,
        )
    return contents[0]


def read_credential(data: bytes) -> dict[str, Any]:
    """The credential a certificate file holds: the JSON itself, or the PDF it is attached to."""
    if data.startswith(b"%PDF"):
        data = extract_credential(data)
    try:
        credential = json.loads(data)
    except ValueError as error:
        raise CredentialExtractionError(f"the file holds no credential (JSON): {error}") from None
    if not isinstance(credential, dict):
        raise CredentialExtractionError("the file does not hold a credential object")
    return credential

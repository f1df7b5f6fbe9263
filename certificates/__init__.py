"""Certificates printed for people: the PDF view of a signed volunteer-service credential.

Depends on no package of ours: the API builds a ``CertificateView`` from the read models and
passes the signed credential's JSON bytes alongside.
"""

from certificates.errors import (
    CertificateDataError,
    CertificateRenderError,
    CredentialExtractionError,
    FontUnavailableError,
)
from certificates.fonts import find_cjk_font
from certificates.hours import format_hours
from certificates.pdf import (
    CertificateRecord,
    CertificateView,
    extract_credential,
    read_credential,
    render_certificate_pdf,
)

__all__ = [
    "CertificateDataError",
    "CertificateRecord",
    "CertificateRenderError",
    "CertificateView",
    "CredentialExtractionError",
    "FontUnavailableError",
    "extract_credential",
    "find_cjk_font",
    "format_hours",
    "read_credential",
    "render_certificate_pdf",
]

"""The certificate renderer's errors: one tree, each carrying the context a person needs to act.

    CertificateRenderError
    ├── FontUnavailableError        no usable CJK font: none installed, a missing or unreadable
    │                               file, or a font that lacks characters the certificate needs
    ├── CertificateDataError        the view cannot be printed as it is: a verification URL
    │                               outside QR alphanumeric mode, a volunteer number that is not
    │                               nine digits, a total that is not the sum of its records …
    │                               (also a ValueError)
    └── CredentialExtractionError   the bytes are no readable PDF, or carry no certificate.json

A ``FontUnavailableError`` leaves JSON certificates working: the API answers a PDF request with a
clear problem and nothing else is affected. Errors never carry HTTP status codes; the API maps
them.
"""

from __future__ import annotations

from typing import Any


class CertificateRenderError(Exception):
    """Base of every error the certificate renderer raises on purpose."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class FontUnavailableError(CertificateRenderError):
    """No font that can print the certificate's Chinese text is available to this deployment."""


class CertificateDataError(CertificateRenderError, ValueError):
    """The certificate's data cannot be printed faithfully; the caller built a wrong view."""


class CredentialExtractionError(CertificateRenderError):
    """The PDF cannot be read, or it carries no embedded ``certificate.json`` credential."""

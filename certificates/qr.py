"""The verification QR code: the short URL, upper-cased so it fits QR alphanumeric mode."""

from __future__ import annotations

from collections.abc import Iterator

import segno

from certificates.errors import CertificateDataError

# QR alphanumeric mode (ISO/IEC 18004, table 5): 45 characters, about 5.5 bits each against 8 in
# byte mode, so the same URL needs a smaller, easier-to-scan symbol.
ALPHANUMERIC_CHARSET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def qr_payload(verification_url: str) -> str:
    """The URL as the QR code carries it: upper case, alphanumeric-mode characters only.

    The scheme and host of a URL are case-insensitive; the verification route accepts the
    certificate number's path in upper case, which is why certificate numbers are upper case and
    digits. Anything else (a lower-case-only query, ``?``, ``=``, ``_``, ``#``, non-ASCII) is
    refused rather than silently pushing the code into byte mode.
    """
    payload = verification_url.strip().upper()
    if not payload:
        raise CertificateDataError("the verification URL is empty")
    outside = sorted(set(payload) - ALPHANUMERIC_CHARSET)
    if outside:
        shown = " ".join(repr(char) for char in outside)
        raise CertificateDataError(
            f"the verification URL {verification_url!r} has characters outside QR "
            f"alphanumeric mode (0-9 A-Z space $ % * + - . / :): {shown}",
            verification_url=verification_url,
            characters=outside,
        )
    return payload


def verification_qr(verification_url: str) -> segno.QRCode:
    """A full QR code (never Micro QR, which phones rarely read), error correction M or better."""
    return segno.make(qr_payload(verification_url), error="m", micro=False, mode="alphanumeric")


def dark_runs(qr: segno.QRCode) -> Iterator[tuple[int, int, int]]:
    """``(row, first column, length)`` of each horizontal run of dark modules, quiet zone apart.

    Drawn as one rectangle per run, the code stays vector (crisp at any zoom) and small.
    """
    for row_index, row in enumerate(qr.matrix):
        column, width = 0, len(row)
        while column < width:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < width and row[column]:
                column += 1
            yield row_index, start, column - start

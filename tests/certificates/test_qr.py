"""The verification QR code carries the short URL in upper case, in alphanumeric mode."""

from __future__ import annotations

import pytest

from certificates.qr import ALPHANUMERIC_CHARSET, dark_runs, qr_payload, verification_qr

SHORT_URL = "https://ledger.example/V/VC2026000123"


def test_payload_is_the_url_upper_cased():
    assert qr_payload(SHORT_URL) == "HTTPS://LEDGER.EXAMPLE/V/VC2026000123"


def test_payload_uses_only_the_alphanumeric_mode_charset():
    assert set(qr_payload(SHORT_URL)) <= ALPHANUMERIC_CHARSET


def test_qr_code_is_encoded_in_alphanumeric_mode():
    assert verification_qr(SHORT_URL).mode == "alphanumeric"


def test_qr_code_is_a_full_qr_code_not_micro_qr():
    assert not verification_qr(SHORT_URL).is_micro


@pytest.mark.parametrize(
    "url",
    [
        "https://ledger.example/v?n=VC2026000123",
        "https://ledger.example/V/VC_2026",
        "https://ledger.example/V/VC2026#top",
        "https://志愿.example/V/VC2026000123",
    ],
)
def test_url_with_characters_outside_alphanumeric_mode_is_a_value_error(url):
    with pytest.raises(ValueError, match="outside QR alphanumeric mode"):
        qr_payload(url)


def test_empty_url_is_a_value_error():
    with pytest.raises(ValueError, match="empty"):
        qr_payload("  ")


def test_dark_runs_cover_exactly_the_dark_modules():
    qr = verification_qr(SHORT_URL)
    drawn = {
        (row, column + offset) for row, column, length in dark_runs(qr) for offset in range(length)
    }
    dark = {
        (row, column)
        for row, modules in enumerate(qr.matrix)
        for column, module in enumerate(modules)
        if module
    }
    assert drawn == dark

"""The CJK font: bundled by default, replaceable by a path, and refused clearly when unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from certificates import fonts
from certificates.errors import FontUnavailableError
from certificates.pdf import render_certificate_pdf
from tests.certificates.samples import a_certificate, a_credential

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_bundled_noto_collection_is_found():
    found = fonts.find_cjk_font()
    assert found is not None
    assert found.name == "NotoSansCJK-Regular.ttc"
    assert found.is_file()


def test_font_path_to_a_missing_file_is_font_unavailable(tmp_path):
    with pytest.raises(FontUnavailableError, match="does not exist"):
        render_certificate_pdf(
            a_certificate(), a_credential(), font_path=tmp_path / "NotoSansCJK-Regular.ttc"
        )


def test_font_path_to_a_file_that_is_no_font_is_font_unavailable(tmp_path):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"this is not a font")
    with pytest.raises(FontUnavailableError, match="cannot be read"):
        render_certificate_pdf(a_certificate(), a_credential(), font_path=not_a_font)


def test_no_font_anywhere_is_font_unavailable(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.raises(FontUnavailableError, match="noto-cjk-sans-otc"):
        render_certificate_pdf(a_certificate(), a_credential())


@pytest.mark.skipif(not DEJAVU_SANS.is_file(), reason="needs DejaVu Sans, a font with no CJK")
def test_font_without_chinese_glyphs_is_font_unavailable_naming_the_characters():
    with pytest.raises(FontUnavailableError, match="no glyph") as raised:
        render_certificate_pdf(a_certificate(), a_credential(), font_path=DEJAVU_SANS)
    assert "王" in raised.value.context["characters"]

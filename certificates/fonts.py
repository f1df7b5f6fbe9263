"""The CJK font a certificate is printed in: found, chosen within a collection, and registered."""

from __future__ import annotations

import functools
import importlib.util
from importlib.resources import files
from pathlib import Path

from fontTools.ttLib import TTCollection, TTLibError  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import TTFFont

from certificates.errors import FontUnavailableError

FONT_FAMILY = "certificate-cjk"

# The bundled font: PyPI ``noto-cjk-sans-otc`` ships the Noto Sans CJK collection (OFL-1.1), so
# the project's own install command brings it and nothing is fetched at run time.
_BUNDLED_PACKAGE = "noto_cjk_sans_otc"
_BUNDLED_FILE = "NotoSansCJK-Regular.ttc"

# Where common Linux distributions put a CJK font, for deployments without the bundled package.
SYSTEM_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian, Ubuntu
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),  # Fedora
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),  # Arch, Alpine
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # Debian fonts-wqy-zenhei
)

_COLLECTION_SUFFIXES = frozenset({".ttc", ".otc"})
# The first four bytes of TrueType, OpenType (CFF), collection and WOFF files.
_FONT_SIGNATURES = frozenset({b"\x00\x01\x00\x00", b"true", b"OTTO", b"ttcf", b"wOFF", b"wOF2"})
# Chinese certificates want the simplified-Chinese glyph forms: the SC face of a Noto or Source
# Han collection, not the JP face that comes first in the file.
_SIMPLIFIED_CHINESE_MARKERS = (" SC", "Simplified", "GB")


def find_cjk_font() -> Path | None:
    """The bundled Noto Sans CJK collection if installed, else a known system font, else None."""
    bundled = _bundled_font()
    if bundled is not None:
        return bundled
    return next((path for path in SYSTEM_FONT_CANDIDATES if path.is_file()), None)


def register_cjk_font(pdf: FPDF, font_path: Path | None) -> None:
    """Add the font to ``pdf`` as ``FONT_FAMILY``; ``font_path`` None means ``find_cjk_font()``."""
    path = font_path if font_path is not None else find_cjk_font()
    if path is None:
        raise FontUnavailableError(
            "no CJK font is available to print the certificate: install the Python package "
            "noto-cjk-sans-otc or a system Noto Sans CJK font, or pass font_path"
        )
    if not path.is_file():
        raise FontUnavailableError(
            f"the certificate font {path} does not exist or is not a file", font_path=str(path)
        )
    _require_font_signature(path)
    try:
        pdf.add_font(FONT_FAMILY, "", path, collection_font_number=_face_index(path))
    except (OSError, ValueError, TTLibError) as error:
        raise FontUnavailableError(
            f"the certificate font {path} cannot be read: {error}", font_path=str(path)
        ) from error


def require_glyphs(pdf: FPDF) -> None:
    """Refuse a document that printed any character its font has no glyph for.

    fpdf2 only logs missing glyphs and draws empty boxes; an official certificate with boxes in
    a name is worse than a clear error.
    """
    for font in pdf.fonts.values():
        missing = font.missing_glyphs if isinstance(font, TTFFont) else []
        if missing:
            shown = "".join(chr(code) for code in missing[:20])
            raise FontUnavailableError(
                f"the certificate font has no glyph for {len(missing)} character(s): {shown}",
                characters=[chr(code) for code in missing],
            )


def close_fonts(pdf: FPDF) -> None:
    """Release the font files; fpdf2 does so only when output succeeds. Safe to repeat."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()


def _require_font_signature(path: Path) -> None:
    """Refuse what is plainly no font before fontTools opens it (and leaves the file open)."""
    try:
        with path.open("rb") as file:
            signature = file.read(4)
    except OSError as error:
        raise FontUnavailableError(
            f"the certificate font {path} cannot be read: {error}", font_path=str(path)
        ) from error
    if signature not in _FONT_SIGNATURES:
        raise FontUnavailableError(
            f"the certificate font {path} cannot be read: it is no TrueType or OpenType font",
            font_path=str(path),
        )


def _bundled_font() -> Path | None:
    if importlib.util.find_spec(_BUNDLED_PACKAGE) is None:
        return None
    resource = files(_BUNDLED_PACKAGE).joinpath(_BUNDLED_FILE)
    # An installed wheel is a directory on disk; a zipped import would need extracting first.
    if isinstance(resource, Path) and resource.is_file():
        return resource
    return None


@functools.lru_cache(maxsize=8)
def _face_index(path: Path) -> int:
    """The face to use in a collection: the simplified-Chinese one if named so, else the first."""
    if path.suffix.lower() not in _COLLECTION_SUFFIXES:
        return 0
    try:
        with TTCollection(str(path), lazy=True) as collection:
            names = [str(face["name"].getDebugName(4) or "") for face in collection.fonts]
    except (OSError, TTLibError) as error:
        raise FontUnavailableError(
            f"the certificate font collection {path} cannot be read: {error}",
            font_path=str(path),
        ) from error
    return next(
        (
            index
            for index, name in enumerate(names)
            if any(marker in name for marker in _SIMPLIFIED_CHINESE_MARKERS)
        ),
        0,
    )

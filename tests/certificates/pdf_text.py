"""Page text read through each font's ToUnicode CMap, for checking what a certificate shows.

Why not ``pypdf``'s ``extract_text``: fpdf2 writes the CFF-based Noto Sans CJK as a Type0 font
whose /Encoding is an embedded code→CID CMap with two-byte codes. pypdf 7 does not read embedded
CMap encodings; it falls back to one-byte codes, so each character comes out with a NUL beside
it ("\\x00王\\x00小\\x00明"), and a subset with more than 255 glyphs would decode to the wrong
characters. PDF viewers and poppler's pdftotext read these pages correctly. This reader takes
the two-byte codes of every shown string and maps them through the font's ToUnicode CMap, which
is what a viewer does for copy and search.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import cast

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, StreamObject, TextStringObject

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BLOCK = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.DOTALL)
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's shown text in drawing order, with all whitespace removed."""
    reader = PdfReader(BytesIO(pdf))
    texts = []
    for page in reader.pages:
        fonts = cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"])
        maps = {name: _to_unicode(font.get_object()) for name, font in fonts.items()}
        current: dict[int, str] = {}
        shown: list[str] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps[operands[0]]
            elif operator == b"Tj":
                shown.append(_decode(operands[0], current))
            elif operator == b"TJ":
                shown.extend(_decode(item, current) for item in operands[0] if _is_string(item))
        texts.append("".join("".join(shown).split()))
    return texts


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    cmap = cast(StreamObject, font["/ToUnicode"].get_object()).get_data()
    mapping: dict[int, str] = {}
    for kind, body in _BLOCK.findall(cmap):
        if kind == b"char":
            for code, text in _BFCHAR.findall(body):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        else:
            for first, last, start in _BFRANGE.findall(body):
                base = int(start, 16)
                for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    mapping[code] = chr(base + offset)
    return mapping


def _is_string(item: object) -> bool:
    return isinstance(item, (bytes, str))


def _decode(string: bytes | str, mapping: dict[int, str]) -> str:
    # pypdf may guess a shown string is text; ``original_bytes`` gives back what the file holds.
    if isinstance(string, TextStringObject):
        raw = string.original_bytes
    else:
        raw = string if isinstance(string, bytes) else string.encode("latin-1")
    codes = (int.from_bytes(raw[index : index + 2], "big") for index in range(0, len(raw), 2))
    return "".join(mapping.get(code, "\ufffd") for code in codes)

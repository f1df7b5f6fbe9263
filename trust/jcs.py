"""RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form a JSON value is signed in.

Only the values certificates need are accepted: ``None``, ``bool``, ``int`` within the I-JSON
safe range (±(2**53 - 1)), ``str``, lists (or tuples) and mappings with ``str`` keys, nested
at most ``MAX_DEPTH`` deep so hostile input cannot exhaust the stack.

Service time is whole minutes everywhere; the one float a certificate carries is Open Badges'
``creditsEarned`` (hours, at most two decimals). A float is written as ECMAScript's
``Number.prototype.toString`` would, which RFC 8785 requires, only where that provably equals
Python's shortest round-trip ``repr``: integral values up to 2**53 - 1, and values whose
``repr`` is plain decimal notation. Floats that either language writes with an exponent, NaN
and infinities are refused rather than risk a form another implementation would not produce.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from trust.errors import CanonicalizationError

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 100

_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of ``value``, or raise CanonicalizationError."""
    parts: list[str] = []
    _write(value, parts, "$", 0)
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalizationError(
            "string holds a lone surrogate, which is not valid Unicode", position=exc.start
        ) from exc


def _write(value: object, out: list[str], path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalizationError(f"value at {path} is nested deeper than {MAX_DEPTH}", path=path)
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(_integer(value, path))
    elif isinstance(value, float):
        out.append(_float(value, path))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        _write_array(value, out, path, depth)
    elif isinstance(value, Mapping):
        _write_object(value, out, path, depth)
    else:
        raise CanonicalizationError(
            f"{type(value).__name__} at {path} is not a JSON value", path=path
        )


def _write_array(items: Sequence[object], out: list[str], path: str, depth: int) -> None:
    out.append("[")
    for position, item in enumerate(items):
        if position:
            out.append(",")
        _write(item, out, f"{path}[{position}]", depth + 1)
    out.append("]")


def _write_object(members: Mapping[object, object], out: list[str], path: str, depth: int) -> None:
    keys: list[str] = []
    for key in members:
        if not isinstance(key, str):
            raise CanonicalizationError(f"object key {key!r} at {path} is not a string", path=path)
        keys.append(key)
    # RFC 8785 §3.2.3: member names sort by their UTF-16 code units, not by code points.
    keys.sort(key=_utf16_units)
    out.append("{")
    for position, key in enumerate(keys):
        if position:
            out.append(",")
        out.append(_string(key))
        out.append(":")
        _write(members[key], out, f"{path}.{key}", depth + 1)
    out.append("}")


def _utf16_units(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _float(value: float, path: str) -> str:
    if not math.isfinite(value):
        raise CanonicalizationError(f"NaN or infinity at {path} has no JSON form", path=path)
    if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return str(int(value))  # ES writes 3.0 as "3" and -0.0 as "0"
    text = repr(value)
    if "e" in text:
        raise CanonicalizationError(
            f"the float at {path} needs an exponent; it has no canonical form here", path=path
        )
    return text


def _integer(value: int, path: str) -> str:
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise CanonicalizationError(
            f"integer at {path} is outside the I-JSON range ±(2**53 - 1)", path=path
        )
    return str(int(value))


def _string(value: str) -> str:
    escaped = _NEEDS_ESCAPE.sub(_escape, str.__str__(value))
    return f'"{escaped}"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"

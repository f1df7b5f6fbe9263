"""Which served language an ``Accept-Language`` header (RFC 9110 §12.5.4) prefers."""

from __future__ import annotations

from api.i18n.catalogue import ENGLISH, SIMPLIFIED_CHINESE

#: A language range's primary subtag to the language served for it. Every ``zh`` range
#: (``zh-CN``, ``zh-Hans``, ``zh-TW`` …) is served Simplified Chinese: closer than English.
PRIMARY = {"zh": SIMPLIFIED_CHINESE, "en": ENGLISH}


def preferred_language(header: str | None) -> str:
    """The served language with the highest q-value (the first listed among equals);
    English when nothing served is asked for, or the header is missing or unreadable."""
    best: tuple[float, str] | None = None
    for item in (header or "").split(","):
        tag, _, params = item.strip().partition(";")
        language = PRIMARY.get(tag.strip().lower().split("-")[0])
        if tag.strip() == "*":
            language = ENGLISH
        quality = _quality(params)
        if language is None or quality is None or quality <= 0:
            continue
        if best is None or quality > best[0]:
            best = (quality, language)
    return best[1] if best else ENGLISH


def _quality(params: str) -> float | None:
    """The q of ``;q=0.8`` (1 when absent); None when it is not a number from 0 to 1."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
            return quality if 0 <= quality <= 1 else None
    return 1.0

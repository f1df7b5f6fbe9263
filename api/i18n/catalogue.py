"""The message catalogues, read from their ``.po`` files once, and looked up with a fallback."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
ENGLISH = "en"
SIMPLIFIED_CHINESE = "zh_Hans"
#: The languages served, the first the default. English is the msgids themselves.
LANGUAGES = (ENGLISH, SIMPLIFIED_CHINESE)
#: BCP 47 tags for Content-Language.
LANGUAGE_TAGS = {ENGLISH: "en", SIMPLIFIED_CHINESE: "zh-Hans"}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class MessageCatalogue:
    """One language's translations: msgid (and context) to text, English where none."""

    def __init__(self, language: str, catalog: Catalog | None) -> None:
        self.language = language
        self.catalog = catalog
        self._texts: dict[tuple[str | None, str], str] = {}
        for message in catalog or ():
            msgid, text = message.id, message.string  # fuzzy means "not checked": unused
            if isinstance(msgid, str) and isinstance(text, str) and text and not message.fuzzy:
                self._texts[(message.context, msgid)] = text

    def gettext(self, message: str, context: str | None = None) -> str:
        return self._texts.get((context, message), message)

    def has(self, message: str, context: str | None = None) -> bool:
        return (context, message) in self._texts

    def translations(self) -> Translations:
        """A gettext ``Translations`` of this catalogue, for templates (Jinja2's i18n)."""
        if self.catalog is None:
            return Translations()
        compiled = BytesIO()
        write_mo(compiled, self.catalog)
        compiled.seek(0)
        return Translations(compiled, domain=DOMAIN)


@cache
def catalogue(language: str) -> MessageCatalogue:
    """The catalogue of a served language (English: none, the msgids are English)."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}; languages: {', '.join(LANGUAGES)}")
    if language == ENGLISH:
        return MessageCatalogue(language, None)
    with po_path(language).open("rb") as po:
        return MessageCatalogue(language, read_po(po, locale=language, domain=DOMAIN))

"""Messages in the reader's language: one Babel catalogue for the API and, later, the pages.

``locale/messages.pot`` holds every message in English (the msgid is the English text, so a
message with no translation falls back to it); ``locale/<lang>/LC_MESSAGES/messages.po`` its
translations. The ``.po`` files are read at start with ``babel.messages.pofile``: no compile
step and no ``.mo`` in git, so a fresh ``pip install -e .`` works as it is.
``python -m api.i18n.extract`` rewrites the ``.pot`` from the sources and merges it into
every ``.po`` (new messages come in untranslated, gone ones are marked obsolete).

- ``catalogue``: the catalogues, looked up by language, with English as the fallback.
- ``negotiation``: the language an ``Accept-Language`` header prefers, by its q-values.
- ``details``: the English detail templates of common errors, and how a detail made from one
  (``"shift … was not found"``) is translated with its parameters.
- ``context``: the language of the request being served, set by ``LanguageMiddleware``, and
  ``localise``, the hook that problem details call for their ``title`` and ``detail``.
"""

from api.i18n.catalogue import ENGLISH, LANGUAGES, SIMPLIFIED_CHINESE, catalogue
from api.i18n.context import LanguageMiddleware, Localised, current_language, localise
from api.i18n.negotiation import preferred_language

__all__ = [
    "ENGLISH",
    "LANGUAGES",
    "SIMPLIFIED_CHINESE",
    "LanguageMiddleware",
    "Localised",
    "catalogue",
    "current_language",
    "localise",
    "preferred_language",
]

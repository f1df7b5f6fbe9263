"""The language of the request being served, and the hook that localises a problem's texts."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.i18n.catalogue import ENGLISH, LANGUAGE_TAGS, catalogue
from api.i18n.details import translate_detail
from api.i18n.negotiation import preferred_language

_language: ContextVar[str] = ContextVar("language", default=ENGLISH)


def current_language() -> str:
    """The language the request being served prefers (English outside a request)."""
    return _language.get()


@dataclass(frozen=True)
class Localised:
    title: str
    detail: str
    language: str

    @property
    def headers(self) -> dict[str, str]:
        """Content-Language, and Vary, since the answer depends on Accept-Language."""
        return {"Content-Language": LANGUAGE_TAGS[self.language], "Vary": "Accept-Language"}


def localise(title: str, detail: str) -> Localised:
    """A problem's title and detail in the request's language (English where untranslated)."""
    language = current_language()
    messages = catalogue(language)
    return Localised(messages.gettext(title), translate_detail(detail, messages), language)


class LanguageMiddleware:
    """Reads Accept-Language once per request; everything inside sees ``current_language``.

    It answers nothing itself, so it may sit outside the request-id middleware: add it last,
    and the problems that middleware makes (500, 503) are localised too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _language.set(preferred_language(Headers(scope=scope).get("accept-language")))
        try:
            await self.app(scope, receive, send)
        finally:
            _language.reset(token)

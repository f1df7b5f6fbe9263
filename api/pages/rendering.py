"""Templates in the reader's language, answered with the headers every page carries."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.i18n.catalogue import ENGLISH, LANGUAGE_TAGS, SIMPLIFIED_CHINESE, catalogue
from api.pages.period_names import period_name

#: Pages are in Simplified Chinese unless the reader picks English (the API's default is
#: English, by Accept-Language: its readers are programs).
PAGE_LANGUAGES = (SIMPLIFIED_CHINESE, ENGLISH)
DEFAULT_LANGUAGE = SIMPLIFIED_CHINESE
LANGUAGE_COOKIE = "vl_lang"
#: ``?lang=`` values a link may carry, to the language served.
LANGUAGE_CHOICES = {"zh": SIMPLIFIED_CHINESE, "zh-Hans": SIMPLIFIED_CHINESE, "en": ENGLISH}

#: No inline script or style anywhere, no other host: the page's own stylesheet and scripts,
#: images drawn by the page (SVG, QR codes as data: URLs), forms posted only to this service.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Pages show personal data and carry a CSRF token: no cache keeps them.
    "Cache-Control": "no-store",
}


@cache
def environment(language: str) -> Environment:
    """The templates in ``language``: every ``{{ }}`` escaped, ``_()`` from the catalogue."""
    env = Environment(
        loader=PackageLoader("api.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(catalogue(language).translations(), newstyle=True)  # type: ignore[attr-defined]
    env.filters["period_name"] = partial(period_name, language=language)
    return env


def page_language(request: Request) -> str:
    """``?lang=`` if it names a served language, else the reader's cookie, else Chinese."""
    asked = LANGUAGE_CHOICES.get(request.query_params.get("lang", ""))
    if asked is not None:
        return asked
    kept = request.cookies.get(LANGUAGE_COOKIE, "")
    return kept if kept in PAGE_LANGUAGES else DEFAULT_LANGUAGE


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks a message for the catalogue where it is defined (a table of notices); it is
    translated where it is shown, with ``translate``."""
    return message


def translate(request: Request, message: str) -> str:
    """A message of the catalogue in the page's language (for texts made in Python)."""
    return catalogue(page_language(request)).gettext(message)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` in the reader's language, with the security headers, the
    viewer, and the CSRF token its forms carry (``PageRoute`` sets the cookies)."""
    from api.pages.sessions import csrf_token, page_viewer

    language = page_language(request)
    html = (
        environment(language)
        .get_template(template)
        .render(
            request=request,
            lang=LANGUAGE_TAGS[language],
            english=language == ENGLISH,
            viewer=page_viewer(request),
            csrf_token=csrf_token(request),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)

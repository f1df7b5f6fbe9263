"""Posted forms: the CSRF check, and the API's errors in words beside the field they concern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError

from api.i18n.catalogue import catalogue
from api.i18n.details import translate_detail
from api.pages.rendering import page_language
from api.pages.sessions import CSRF_FIELD, check_csrf
from api.problems import ApiError, problem_for
from domain.errors import LedgerError

#: pydantic's error types, in words a person reads beside the field (English msgids of the
#: catalogue); any other type reads as ``INVALID``.
FIELD_MESSAGES = {
    "missing": "This field is required.",
    "string_too_short": "This is too short.",
    "string_too_long": "This is too long.",
    "string_pattern_mismatch": "This is not in the expected form.",
    "date_from_datetime_parsing": "Enter a date such as 2010-05-04.",
    "date_parsing": "Enter a date such as 2010-05-04.",
    "date_type": "Enter a date such as 2010-05-04.",
    "datetime_parsing": "Enter a date and time.",
    "uuid_parsing": "Choose one from the list.",
    "int_parsing": "Enter a whole number.",
    "greater_than_equal": "This number is too small.",
    "less_than_equal": "This number is too large.",
    "bool_parsing": "Tick the box or leave it empty.",
}
INVALID = "This value is not valid."


async def posted_form(request: Request) -> dict[str, str]:
    """The form's text fields, once its CSRF token is checked (``CsrfRefused`` otherwise).
    A field given twice keeps its last value; files are left to the page that takes them."""
    form = await request.form()
    check_csrf(request, _text(form.get(CSRF_FIELD)))
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


#: A page's posted form, its CSRF token checked.
PostedForm = Annotated[dict[str, str], Depends(posted_form)]


def field_errors(request: Request, error: ValidationError) -> dict[str, str]:
    """pydantic's errors by the field they concern (``guardian.name``), in the page's
    language; the first error of a field wins."""
    messages = catalogue(page_language(request))
    found: dict[str, str] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item.get("loc", ()))
        text = FIELD_MESSAGES.get(item.get("type", ""), INVALID)
        found.setdefault(field, messages.gettext(text))
    return found


def problem_text(request: Request, error: Exception) -> str:
    """What the API would answer for ``error`` (its problem title and detail), in the page's
    language, as one sentence for a person."""
    messages = catalogue(page_language(request))
    problem = problem_for(type(error))
    if isinstance(error, LedgerError):
        detail = error.message
    elif isinstance(error, ApiError):
        detail = error.detail
    else:
        detail = ""
    title = messages.gettext(problem.title)
    detail = translate_detail(detail, messages) if detail else ""
    return f"{title}: {detail}" if detail else title


def error_field(error: Exception) -> str | None:
    """The form field a ledger error names (``field=`` in its context), if any."""
    if isinstance(error, LedgerError):
        field = error.context.get("field")
        return field if isinstance(field, str) else None
    return None


def blank_to_none(form: Mapping[str, str]) -> dict[str, str | None]:
    """The form with empty fields as None, as an API body leaves them out."""
    return {name: (value.strip() or None) for name, value in form.items()}

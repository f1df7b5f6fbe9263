"""``python -m api.i18n.extract``: rewrite messages.pot from the sources, merge it into each .po.

The API's messages are not ``gettext()`` calls in the code but data: the problem titles of
``api.problems.PROBLEMS``, the titles of the HTTP errors answered as ``about:blank``, and the
detail templates and terms of ``api.i18n.details``. This collects them (the pages of a later
issue add their templates here, with ``babel.messages.extract``). A test fails when the
committed ``.pot`` differs from what this would write, so neither can drift.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from api.i18n.catalogue import DOMAIN, ENGLISH, LANGUAGES, LOCALE_DIR, po_path
from api.i18n.details import DETAILS, TERM, TERMS

POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"

#: Statuses answered with an HTTP error (``about:blank``), whose title is the status phrase.
HTTP_ERROR_STATUSES = (400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 503)


def problem_titles() -> list[str]:
    from api.problems import PROBLEMS  # here, not at the top: api.problems imports api.i18n

    titles = [problem.title for problem in PROBLEMS.values()]
    titles += [HTTPStatus(status).phrase for status in HTTP_ERROR_STATUSES]
    return list(dict.fromkeys(titles))


def template() -> Catalog:
    """Every message of the catalogue, untranslated."""
    pot = Catalog(
        domain=DOMAIN,
        project="volunteer-ledger",
        version="0.1.0",
        copyright_holder=None,
        msgid_bugs_address=None,
        creation_date=None,
        revision_date=None,
        fuzzy=False,
    )
    for title in problem_titles():
        pot.add(title, auto_comments=["problem title"])
    for detail in DETAILS:
        if detail not in pot:
            pot.add(detail, auto_comments=["problem detail"])
    for term in TERMS:
        pot.add(term, context=TERM, auto_comments=["a word put into a detail"])
    for message in page_messages():
        if message not in pot:
            pot.add(message, auto_comments=["page"])
    return pot


#: What marks a message in the pages: ``_()`` in templates, ``translate(request, …)`` in code,
#: ``N_()`` where a table of messages is defined.
PAGE_KEYWORDS = {"_": None, "gettext": None, "translate": (2,), "N_": None}
PAGE_SOURCES = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
PAGE_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def page_messages() -> list[str]:
    """Every message of the pages: their templates and code, and the words they put beside a
    field (``api.pages.forms.FIELD_MESSAGES``), in the order of the files (sorted by name)."""
    from api.pages import forms  # here, not at the top: the pages import api.i18n

    found: list[str] = []
    pages = Path(forms.__file__).parent
    for _file, _line, message, _comments, _context in extract_from_dir(
        pages, PAGE_SOURCES, options_map=PAGE_OPTIONS, keywords=PAGE_KEYWORDS
    ):
        if isinstance(message, str):
            found.append(message)
    found += [*forms.FIELD_MESSAGES.values(), forms.INVALID]
    return list(dict.fromkeys(found))


def pot_text() -> bytes:
    from io import BytesIO

    out = BytesIO()
    write_po(out, template(), omit_header=False, sort_output=False, width=100)
    return _without_dates(out.getvalue())


def _without_dates(po: bytes) -> bytes:
    """The header's dates change on every run; a committed file should not."""
    lines = po.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b'"POT-Creation-Date'))


def main() -> None:
    POT_PATH.write_bytes(pot_text())
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = po_path(language)
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, domain=DOMAIN)
        catalog.update(template(), no_fuzzy_matching=True)
        with path.open("wb") as po:
            write_po(po, catalog, sort_output=False, width=100, ignore_obsolete=True)
        untranslated = [m.id for m in catalog if m.id and not m.string]
        print(f"{path}: {len(untranslated)} untranslated")


if __name__ == "__main__":
    main()

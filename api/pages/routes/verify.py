"""``/verify``, ``/verify/{number}`` and ``/V/{number}``: the public check of a certificate.

The QR code on a printed certificate opens ``/V/{number}``, which shows the same page as
``/verify/{number}``: the verdict in plain words, each check passed or failed, the hours, the
issuer and the date, and nothing personal beyond what the certificate shows. ``/verify`` takes
a number, or a credential's JSON or the certificate's PDF (uploaded or pasted) to check that
very file. Every verdict is the API's own (``api.routes.certificates.verify``).

Always a page, for people: a number that is unknown or malformed is a 404 page that shows what
was typed (escaped, cut short), never a JSON error or an internal id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.datastructures import UploadFile

from api.certificate_service import CertificateService
from api.deps import Services
from api.pages.forms import PostedForm
from api.pages.rendering import render, translate
from api.pages.routing import PageRoute, page_router
from api.pages.verdicts import (
    ShownFacts,
    canonical_number,
    check_lines,
    shown_facts,
    shown_typed,
)
from api.routes.certificates import CertificatesDep, verify
from api.routing import PrefixedRouter
from certificates import CertificateRenderError, read_credential
from domain.errors import NotFoundError

router = page_router()
#: ``/V/{number}`` stays in the OpenAPI document: it is the address printed on certificates.
qr_router = PrefixedRouter(route_class=PageRoute, tags=["certificates"])

#: Room in a request body for the form around the file (its boundaries, the CSRF token): a
#: file the page takes fits the service's ``max_body_bytes``, which refuses larger bodies.
FORM_ROOM = 16 * 1024


def max_file_bytes(request: Request) -> int:
    """The largest file (or pasted text) the page checks: a certificate's PDF is some 40 KB,
    its JSON a few KB a record."""
    services: Services = request.app.state.services
    return max(services.settings.max_body_bytes - FORM_ROOM, 1024)


FILE_FIELD = "file"
PASTE_FIELD = "credential"


class TypedText(PathConvertor):
    """Whatever follows ``/V/`` or ``/verify/``, line breaks included (``path`` stops at
    one), so that anything typed gets the page, not a JSON 404."""

    regex = "(?s:.*)"


register_url_convertor("typed_text", TypedText())

TypedNumber = Annotated[str, Path(description="The certificate number, any case: VC2026…")]
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}


@router.get("/verify")
def verify_form(request: Request, number: Annotated[str | None, Query()] = None) -> Response:
    """The forms: a number to look up, a file to upload, a credential to paste. A number
    sent by the form leads to its page."""
    if number is not None and number.strip():
        return RedirectResponse(f"/verify/{quote(number.strip(), safe='')}", status_code=303)
    error = translate(request, "Type the number printed on the certificate.")
    return _form(request, number_error=error if number is not None else None)


@router.get("/verify/{number:typed_text}")
def verify_number(request: Request, number: TypedNumber, certificates: CertificatesDep) -> Response:
    return number_page(request, number, certificates)


@qr_router.get(
    "/V/{number:typed_text}",
    response_class=HTMLResponse,
    summary="The certificate check page a QR code opens",
    responses={200: _HTML, 404: {"description": "No certificate has this number", **_HTML}},
)
def verification_page(
    request: Request, number: TypedNumber, certificates: CertificatesDep
) -> Response:
    """What the printed QR code opens: the page of ``/verify/{number}``, the verdict of every
    check, a masked name and the volunteer number's last four digits.

    Always an HTML page, for people: an unknown or malformed number is a 404 page that shows
    the number typed. The number may be typed in lower case."""
    return number_page(request, number, certificates)


def number_page(request: Request, typed: str, certificates: CertificateService) -> Response:
    """The verdict on the certificate with this number, as the ledger holds it now."""
    canonical = canonical_number(typed)
    if canonical is None:
        return _not_found(request, typed)
    try:
        facts = certificates.facts(certificates.ledger.certificate(canonical))
        verdict = verify(certificates.credential(canonical), certificates)
    except NotFoundError:
        return _not_found(request, typed)
    return render(
        request,
        "verify_result.html",
        verdict=verdict,
        checks=check_lines(verdict),
        facts=shown_facts(facts),
        claimed=canonical,
        lookup=None,
        from_file=False,
    )


async def uploaded(request: Request) -> AsyncIterator[bytes | None]:
    """The file posted with the form, at most ``max_file_bytes`` (one byte more tells it is
    too large); None when no file was chosen. The form's files are closed after the answer,
    whatever it is (a refused token included)."""
    form = await request.form()
    try:
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile) or not upload.filename:
            yield None
        else:
            yield await upload.read(max_file_bytes(request) + 1)
    finally:
        await form.close()


Uploaded = Annotated[bytes | None, Depends(uploaded)]


@router.post("/verify")
def verify_file(
    request: Request, upload: Uploaded, form: PostedForm, certificates: CertificatesDep
) -> Response:
    """Check one file: a credential's JSON or a certificate's PDF, uploaded or pasted. A file
    changed after it was issued fails a check and reads 被篡改 (tampered)."""
    pasted = form.get(PASTE_FIELD, "")
    data = upload if upload else pasted.strip().encode()
    if not data:
        return _form(
            request, 422, file_error=translate(request, "Choose a file, or paste the credential.")
        )
    if len(data) > max_file_bytes(request):
        return _form(
            request,
            413,
            file_error=translate(request, "This file is too large to be a certificate."),
        )
    try:
        credential = read_credential(data)
    except CertificateRenderError:
        return _form(
            request,
            422,
            file_error=translate(request, "This file holds no certificate we can read."),
        )
    verdict = verify(credential, certificates)
    claimed = _claimed_number(credential)
    facts = _ledger_facts(certificates, claimed, verdict.verdict)
    return render(
        request,
        "verify_result.html",
        verdict=verdict,
        checks=check_lines(verdict),
        facts=facts,
        claimed=claimed,
        lookup=canonical_number(claimed or "") if facts is None else None,
        from_file=True,
    )


def _claimed_number(credential: dict[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    found = subject.get("certificate") if isinstance(subject, dict) else None
    number = found.get("number") if isinstance(found, dict) else None
    return number if isinstance(number, str) else None


def _ledger_facts(
    certificates: CertificateService, number: str | None, verdict: str
) -> ShownFacts | None:
    """The ledger's facts of the certificate a file claims to be, unless a check failed (a
    changed file's claims are not shown as if they held)."""
    canonical = canonical_number(number or "")
    if verdict == "invalid" or canonical is None:
        return None
    try:
        return shown_facts(certificates.facts(certificates.ledger.certificate(canonical)))
    except NotFoundError:
        return None


def _form(
    request: Request,
    status_code: int = 200,
    *,
    number_error: str | None = None,
    file_error: str | None = None,
) -> Response:
    return render(
        request,
        "verify.html",
        status_code,
        number_error=number_error,
        file_error=file_error,
        max_kilobytes=max_file_bytes(request) // 1024,
        max_bytes=max_file_bytes(request),
    )


def _not_found(request: Request, typed: str) -> Response:
    return render(request, "verify_not_found.html", 404, typed=shown_typed(typed.strip()))

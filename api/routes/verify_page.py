"""The public page a QR code leads to: /V/<NUMBER> shows whether a certificate holds.

It is a page for people: every answer is HTML, a number that is unknown or malformed included
(a 404 page saying, in Chinese, that the number typed was not found, with no internal id).
Numbers are read in any case: ``vc2026…`` is ``VC2026…``.
"""

from __future__ import annotations

import re
from html import escape
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse
from starlette.convertors import PathConvertor, register_url_convertor

from api.routes.certificates import CertificatesDep
from certificates import format_hours
from domain.errors import NotFoundError
from domain.policy import mask_name, mask_volunteer_number

router = APIRouter(tags=["certificates"])


class TypedText(PathConvertor):
    """Whatever follows ``/V/``, line breaks included (``path`` stops at one), so that
    anything typed gets the page, not a JSON 404."""

    regex = "(?s:.*)"


register_url_convertor("typed_text", TypedText())

NUMBER = re.compile(r"VC\d{13}")
#: How much of a long or odd number typed is echoed back on the not-found page.
SHOWN_CHARACTERS = 40

VERDICTS = {
    "valid": ("有效 / Valid", "#1b7f3b"),
    "revoked": ("已撤销 / Revoked", "#b00020"),
    "superseded": ("已被更正 / Superseded", "#b35c00"),
    "invalid": ("无效 / Invalid", "#b00020"),
}

_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
_STYLE = """<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.verdict{font-size:1.6rem;color:%s}td{padding:.2rem .5rem;vertical-align:top}</style>"""


def _page(title: str, body: str, colour: str = "#333", status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{_STYLE % colour}
</head><body>
{body}
</body></html>""",
        status_code=status_code,
    )


def not_found_page(typed: str) -> HTMLResponse:
    """The page for a number the ledger does not know, showing what was typed (escaped)."""
    shown = typed if len(typed) <= SHOWN_CHARACTERS else typed[:SHOWN_CHARACTERS] + "…"
    body = f"""<h1>志愿服务证明核验 / Certificate check</h1>
<p class="verdict">未找到该证书 / Not found</p>
<p>没有找到编号为 <strong>{escape(shown)}</strong> 的证书。请核对证书上的编号
（以 VC 开头，后接 13 位数字）后重新输入。</p>
<p>No certificate has the number you typed. Check the number on the certificate
(VC followed by 13 digits).</p>"""
    return _page("证书核验：未找到 Certificate not found", body, "#b00020", status_code=404)


@router.get(
    "/V/{number:typed_text}",
    response_class=HTMLResponse,
    summary="The certificate check page a QR code opens",
    responses={200: _HTML, 404: {"description": "No certificate has this number", **_HTML}},
)
def verification_page(
    number: Annotated[str, Path(description="The certificate number, any case: VC2026…")],
    certificates: CertificatesDep,
) -> HTMLResponse:
    """What the printed QR code opens: the verdict of every check, a masked name and the
    volunteer number's last four digits.

    Always an HTML page, for people: an unknown or malformed number is a 404 page in Chinese
    that shows the number typed. The number may be typed in lower case."""
    typed = number.strip()
    canonical = typed.upper()
    if not NUMBER.fullmatch(canonical):
        return not_found_page(typed)
    try:
        certificate = certificates.ledger.certificate(canonical)
        facts = certificates.facts(certificate)
        verdict = certificates.verify(certificates.credential(canonical))
    except NotFoundError:
        return not_found_page(typed)
    label, colour = VERDICTS.get(verdict.verdict, (verdict.verdict, "#333"))
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{'✔' if c.passed else '—' if c.passed is None else '✘'}"
        f"</td><td>{escape(c.detail)}</td></tr>"
        for c in verdict.checks
    )
    reason = f"<p>{escape(verdict.reason)}</p>" if verdict.reason else ""
    body = f"""<h1>志愿服务证明核验 / Certificate check</h1>
<p class="verdict">{escape(label)}</p>{reason}
<table>
<tr><td>证书编号 / No.</td><td>{escape(facts.number)}</td></tr>
<tr><td>志愿者 / Volunteer</td><td>{escape(mask_name(facts.volunteer_name))}
 ({escape(mask_volunteer_number(facts.volunteer_number))})</td></tr>
<tr><td>服务时长 / Hours</td><td>{escape(format_hours(facts.total_minutes))}</td></tr>
<tr><td>出具单位 / Issued by</td><td>{escape(facts.issuer_name)}</td></tr>
<tr><td>出具日期 / Date</td><td>{facts.issued_on.isoformat()}</td></tr>
</table>
<h2>核验项目 / Checks</h2><table>{rows}</table>"""
    return _page(f"证书核验 Certificate {escape(canonical)}", body, colour)

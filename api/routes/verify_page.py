"""The public page a QR code leads to: /V/<NUMBER> shows whether a certificate holds."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from api.routes.certificates import CertificatesDep
from certificates import format_hours
from domain.policy import mask_name

router = APIRouter(tags=["certificates"])

VERDICTS = {
    "valid": ("有效 / Valid", "#1b7f3b"),
    "revoked": ("已撤销 / Revoked", "#b00020"),
    "superseded": ("已被更正 / Superseded", "#b35c00"),
    "invalid": ("无效 / Invalid", "#b00020"),
}


@router.get("/V/{number}", response_class=HTMLResponse, responses={404: {}})
def verification_page(
    number: Annotated[str, Path(pattern=r"^VC\d{13}$")], certificates: CertificatesDep
) -> HTMLResponse:
    """What the printed QR code opens: the verdict of every check, and a masked name."""
    certificate = certificates.ledger.certificate(number)
    facts = certificates.facts(certificate)
    verdict = certificates.verify(certificates.credential(number))
    label, colour = VERDICTS.get(verdict.verdict, (verdict.verdict, "#333"))
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{'✔' if c.passed else '—' if c.passed is None else '✘'}"
        f"</td><td>{escape(c.detail)}</td></tr>"
        for c in verdict.checks
    )
    reason = f"<p>{escape(verdict.reason)}</p>" if verdict.reason else ""
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>证书核验 Certificate {escape(number)}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
.verdict{{font-size:1.6rem;color:{colour}}}td{{padding:.2rem .5rem;vertical-align:top}}</style>
</head><body>
<h1>志愿服务证明核验 / Certificate check</h1>
<p class="verdict">{escape(label)}</p>{reason}
<table>
<tr><td>证书编号 / No.</td><td>{escape(facts.number)}</td></tr>
<tr><td>志愿者 / Volunteer</td><td>{escape(mask_name(facts.volunteer_name))}
 ({escape(facts.volunteer_number)})</td></tr>
<tr><td>服务时长 / Hours</td><td>{escape(format_hours(facts.total_minutes))}</td></tr>
<tr><td>出具单位 / Issued by</td><td>{escape(facts.issuer_name)}</td></tr>
<tr><td>出具日期 / Date</td><td>{facts.issued_on.isoformat()}</td></tr>
</table>
<h2>核验项目 / Checks</h2><table>{rows}</table>
</body></html>"""
    return HTMLResponse(page)

"""/verify and /verify/{number}: the public check of a certificate, by number or by its file."""

from __future__ import annotations

import copy
import json
import re
from io import BytesIO

import pytest
from pypdf import PdfWriter

from certificates import extract_credential
from tests.api.conftest import credential_of
from tests.api.verify_pages import typed_number, verdict_word

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def csrf_token(api) -> str:
    found = CSRF.search(api.client.get("/verify").text)
    assert found is not None
    return found.group(1)


def upload(api, name: str, content: bytes, token: str | None = None):
    return api.client.post(
        "/verify",
        data={"csrf_token": token if token is not None else csrf_token(api)},
        files={"file": (name, content, "application/octet-stream")},
    )


def paste(api, text: str):
    return api.client.post("/verify", data={"csrf_token": csrf_token(api), "credential": text})


def tampered(credential: dict) -> dict:
    """The credential with its hours raised, as someone might change a file."""
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["certificate"]["totalMinutes"] += 600
    return changed


def pdf_carrying(credential: dict) -> bytes:
    """A PDF with ``credential`` attached as a certificate's is."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("certificate.json", json.dumps(credential).encode())
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_valid_certificate_says_valid_with_its_hours_issuer_and_date(api, world, issued):
    page = api.client.get(f"/verify/{issued['number']}")
    assert page.status_code == 200
    assert verdict_word(page.text) == "有效"
    assert "3.67 小时" in page.text  # 120 + 100 minutes
    assert "和平里社区" in page.text
    issued_on = api.services.ledger.certificate(issued["number"]).issued_on
    assert f'<time datetime="{issued_on.isoformat()}">' in page.text


def test_the_page_shows_no_personal_data_beyond_the_certificates_own(api, world, issued):
    volunteer = api.services.ledger.volunteer(world.volunteer)
    page = api.client.get(f"/verify/{issued['number']}").text
    assert f"王*明 (*****{volunteer.volunteer_number[-4:]})" in page
    assert "王小明" not in page
    assert volunteer.volunteer_number not in page
    assert "13911110001" not in page


def test_every_check_of_the_apis_verdict_is_listed_passed_in_words(api, world, issued):
    verdict = api.client.post(
        "/v1/certificates/verify", json=credential_of(api, world, issued["number"])
    ).json()
    page = api.client.get(f"/verify/{issued['number']}").text
    assert page.count('<tr class="passed">') == len(verdict["checks"])
    assert page.count("通过</td>") == len(verdict["checks"])


def test_the_page_is_in_english_when_english_is_chosen(api, world, issued):
    page = api.client.get(f"/verify/{issued['number']}?lang=en").text
    assert verdict_word(page) == "Valid"
    assert "Passed" in page


def test_a_number_typed_in_the_form_leads_to_its_page(api, world, issued):
    page = api.client.get("/verify", params={"number": f" {issued['number'].lower()} "})
    assert page.url.path == f"/verify/{issued['number'].lower()}"
    assert verdict_word(page.text) == "有效"


def test_an_empty_number_asks_for_one(api):
    page = api.client.get("/verify", params={"number": "  "})
    assert "请输入证明上印的编号" in page.text


def test_a_revoked_certificate_says_revoked_with_the_reason(api, world, issued):
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "服务记录有误，重新出具"},
        headers=world.tokens["organiser"],
    )
    page = api.client.get(f"/verify/{issued['number']}").text
    assert verdict_word(page) == "已撤销"
    assert "服务记录有误，重新出具" in page


def test_a_certificate_whose_record_was_corrected_says_superseded(api, world, issued):
    corrected = api.client.post(
        f"/v1/service-records/{issued['records'][0]}/corrections",
        json={"minutes": 90, "reason": "提前离开"},
        headers=world.tokens["organiser"],
    )
    assert corrected.status_code == 200, corrected.text
    page = api.client.get(f"/verify/{issued['number']}").text
    assert verdict_word(page) == "已被更正版本取代"


def test_an_unknown_number_is_a_404_page_that_shows_it(api, world):
    page = api.client.get("/verify/vc2026999999999")
    assert page.status_code == 404
    assert typed_number(page.text) == "vc2026999999999"


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_number_typed_with_markup_is_shown_escaped(api, typed):
    page = api.client.get("/verify", params={"number": typed})
    assert page.status_code == 404
    assert typed not in page.text
    assert "<img" not in page.text
    assert "<script>" not in page.text
    assert typed_number(page.text).startswith(("&lt;script&gt;", "&#34;&gt;&lt;img"))


def test_an_uploaded_credential_says_valid_with_the_ledgers_facts(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    page = upload(api, "certificate.json", json.dumps(credential).encode())
    assert verdict_word(page.text) == "有效"
    assert "3.67 小时" in page.text
    assert "王小明" not in page.text


def test_a_changed_credential_says_tampered_and_shows_none_of_its_claims(api, world, issued):
    changed = tampered(credential_of(api, world, issued["number"]))
    page = upload(api, "certificate.json", json.dumps(changed).encode())
    assert page.status_code == 200
    assert verdict_word(page.text) == "被篡改"
    assert "未通过" in page.text
    assert "小时" not in page.text
    assert f'href="/verify/{issued["number"]}"' in page.text


def test_a_certificate_pdf_says_valid(api, world, issued):
    pdf = api.client.get(
        f"/v1/certificates/{issued['number']}.pdf", headers=world.tokens["volunteer"]
    ).content
    assert verdict_word(upload(api, "certificate.pdf", pdf).text) == "有效"


def test_a_pdf_carrying_a_changed_credential_says_tampered(api, world, issued):
    pdf = api.client.get(
        f"/v1/certificates/{issued['number']}.pdf", headers=world.tokens["volunteer"]
    ).content
    changed = tampered(json.loads(extract_credential(pdf)))
    assert verdict_word(upload(api, "certificate.pdf", pdf_carrying(changed)).text) == "被篡改"


def test_a_pasted_credential_is_checked_like_a_file(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    assert verdict_word(paste(api, json.dumps(credential)).text) == "有效"


@pytest.mark.parametrize("text", HOSTILE)
def test_markup_in_a_files_claims_is_shown_escaped(api, world, issued, text):
    changed = credential_of(api, world, issued["number"])
    changed["credentialSubject"]["certificate"]["number"] = text
    page = paste(api, json.dumps(changed)).text
    assert verdict_word(page) == "被篡改"
    assert text not in page
    assert "<img" not in page
    assert "<script>" not in page


def test_a_credential_of_the_wrong_shape_says_tampered(api):
    assert verdict_word(paste(api, '{"evidence": 5}').text) == "被篡改"


def test_a_file_that_is_no_certificate_is_told_so(api):
    page = upload(api, "notes.txt", "不是证明".encode())
    assert page.status_code == 422
    assert "该文件中没有可读取的证明凭证" in page.text


def test_a_post_with_neither_file_nor_text_asks_for_one(api):
    page = paste(api, "   ")
    assert page.status_code == 422
    assert "请选择文件，或粘贴凭证内容" in page.text


def test_a_file_over_the_limit_is_refused_with_a_message(api):
    limit = api.services.settings.max_body_bytes - 16 * 1024
    page = upload(api, "big.json", b" " * (limit + 1))
    assert page.status_code == 413
    assert "文件过大" in page.text


def test_a_file_over_the_services_own_limit_is_refused_with_a_page(api):
    """Past the limit of every request, before any route runs: still a page, not JSON."""
    page = upload(api, "big.json", b" " * (api.services.settings.max_body_bytes + 1))
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "文件或表单过大" in page.text


def test_the_api_over_the_limit_still_answers_problem_json(api, world):
    answer = api.client.post(
        "/v1/certificates/verify",
        content=b" " * (api.services.settings.max_body_bytes + 1),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("token", ["", "forged"])
def test_an_upload_without_the_forms_token_is_refused(api, world, issued, token):
    credential = credential_of(api, world, issued["number"])
    csrf_token(api)  # the reader has the form's cookie, not its token
    page = upload(api, "certificate.json", json.dumps(credential).encode(), token=token)
    assert page.status_code == 403
    assert 'id="verdict"' not in page.text

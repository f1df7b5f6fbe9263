"""The certificate PDF: A4 pages, readable Chinese, the QR URL, and the credential inside.

Text is read through the font's ToUnicode CMap (see ``pdf_text``) and compared with all
whitespace removed.
"""

from __future__ import annotations

import dataclasses
from io import BytesIO

import pytest
from pypdf import PdfReader, PdfWriter

from certificates.errors import CertificateDataError, CredentialExtractionError
from certificates.pdf import extract_credential, render_certificate_pdf
from tests.certificates.pdf_text import page_texts
from tests.certificates.samples import a_certificate, a_credential

A4_WIDTH_PT, A4_HEIGHT_PT = 595.28, 841.89


@pytest.fixture(scope="module")
def short_pdf() -> bytes:
    return render_certificate_pdf(a_certificate(3), a_credential())


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_certificate_pdf(a_certificate(60), a_credential())


def test_pdf_starts_with_the_pdf_header(short_pdf):
    assert short_pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("which", ["short_pdf", "long_pdf"])
def test_every_page_is_a4_portrait(which, request):
    pages = PdfReader(BytesIO(request.getfixturevalue(which))).pages
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH_PT, abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT_PT, abs=1)


def test_three_records_fit_on_one_page(short_pdf):
    assert len(PdfReader(BytesIO(short_pdf)).pages) == 1


def test_sixty_records_flow_onto_three_pages(long_pdf):
    assert len(PdfReader(BytesIO(long_pdf)).pages) == 3


def test_first_page_shows_the_volunteer_and_the_certificate(short_pdf):
    first_page = page_texts(short_pdf)[0]
    for expected in ("王小明", "123456782", "VC2026000123", "和平里社区新时代文明实践站"):
        assert expected in first_page


def test_first_page_shows_the_total_in_hours(short_pdf):
    # 90 + 100 + 110 minutes = 300 minutes = 5 hours.
    assert "服务时长/Servicehours5小时/hours" in page_texts(short_pdf)[0]


def test_each_record_is_listed_with_its_activity_category_and_hours(short_pdf):
    first_page = page_texts(short_pdf)[0]
    assert "2026-03-02早高峰文明交通劝导文明劝导1.5" in first_page
    assert "2026-03-03社区老年人智能手机使用辅导助老服务1.67" in first_page


def test_labels_are_chinese_with_english(short_pdf):
    text = "".join(page_texts(short_pdf))
    for label in (
        "志愿服务证明",
        "CertificateofVolunteerService",
        "志愿者姓名/Name",
        "志愿者编号/VolunteerNo.",
        "证书编号/CertificateNo.",
        "出具单位/Issuedby",
        "负责人/Personincharge",
        "经办人/Handler",
        "联系方式/Contact",
        "出具日期/Dateofissue",
    ):
        assert label in text


def test_certificate_says_it_is_free_of_charge(short_pdf):
    assert "本证明免费出具" in page_texts(short_pdf)[0]


def test_verification_url_is_printed_upper_case_on_the_first_page(short_pdf):
    assert "HTTPS://LEDGER.EXAMPLE/V/VC2026000123" in page_texts(short_pdf)[0]


def test_every_page_footer_has_the_number_and_page_of_pages(long_pdf):
    for number, text in enumerate(page_texts(long_pdf), start=1):
        assert "证书编号/CertificateNo.VC2026000123" in text
        assert f"第{number}页/Page{number}of3" in text


def test_table_heading_repeats_on_every_page_of_the_list(long_pdf):
    texts = page_texts(long_pdf)
    # The issuer block may sit alone on the last page; every page the table reaches has it.
    for text in texts[:-1]:
        assert "日期/Date服务活动/Activity类别/Category时长/Hours" in text


def test_every_record_of_a_long_list_is_printed_once(long_pdf):
    text = "".join(page_texts(long_pdf))
    for record in a_certificate(60).records:
        line = f"{record.service_date}{record.activity}{record.category}"
        assert text.count(line) == 1


def test_long_list_ends_with_its_total(long_pdf):
    # 20 × (90 + 100 + 110) minutes = 6000 minutes = 100 hours.
    assert "合计/Total100出具单位" in "".join(page_texts(long_pdf))


def test_status_note_is_printed_on_every_page():
    view = a_certificate(60, status_note="已撤销 / Revoked")
    for text in page_texts(render_certificate_pdf(view, a_credential())):
        assert "已撤销/Revoked" in text


def test_credential_round_trips_byte_for_byte(short_pdf):
    assert extract_credential(short_pdf) == a_credential()


def test_credential_is_attached_as_certificate_json_of_type_application_json(short_pdf):
    catalog = PdfReader(BytesIO(short_pdf)).trailer["/Root"]
    names = catalog["/Names"]["/EmbeddedFiles"]["/Names"]
    file_spec = names[1].get_object()
    assert (names[0], file_spec["/UF"]) == ("certificate.json", "certificate.json")
    assert file_spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_rendering_the_same_certificate_twice_gives_the_same_bytes(short_pdf):
    assert render_certificate_pdf(a_certificate(3), a_credential()) == short_pdf


def test_pdf_uses_the_simplified_chinese_face_of_the_collection(short_pdf):
    font = PdfReader(BytesIO(short_pdf)).pages[0]["/Resources"]["/Font"]
    assert any("NotoSansCJKSC" in str(entry.get_object()["/BaseFont"]) for entry in font.values())


def test_extracting_from_a_pdf_without_the_credential_fails_clearly():
    writer = PdfWriter()
    writer.add_blank_page(A4_WIDTH_PT, A4_HEIGHT_PT)
    buffer = BytesIO()
    writer.write(buffer)
    with pytest.raises(CredentialExtractionError, match=r"no embedded certificate\.json"):
        extract_credential(buffer.getvalue())


def test_extracting_from_bytes_that_are_no_pdf_fails_clearly():
    with pytest.raises(CredentialExtractionError, match="not a readable PDF"):
        extract_credential(b'{"not": "a pdf"}')


def test_id_card_number_in_place_of_volunteer_number_is_refused():
    view = a_certificate(volunteer_number="110101199003071234")
    with pytest.raises(CertificateDataError, match="nine digits"):
        render_certificate_pdf(view, a_credential())


def test_total_that_is_not_the_sum_of_the_records_is_refused():
    with pytest.raises(CertificateDataError, match="not the sum"):
        render_certificate_pdf(a_certificate(3, total_minutes=999), a_credential())


def test_verification_url_outside_alphanumeric_mode_is_refused():
    view = a_certificate(verification_url="https://ledger.example/v?n=VC2026000123")
    with pytest.raises(ValueError, match="alphanumeric"):
        render_certificate_pdf(view, a_credential())


def test_empty_credential_is_refused():
    with pytest.raises(CertificateDataError, match="credential to embed is empty"):
        render_certificate_pdf(a_certificate(), b"")


def test_long_activity_names_wrap_inside_their_cell():
    long_name = "东城区和平里街道第三季度“文明交通你我同行”早高峰路口文明交通劝导志愿服务专项行动"
    record = dataclasses.replace(a_certificate(1).records[0], activity=long_name)
    view = a_certificate(1, records=[record])
    assert long_name in page_texts(render_certificate_pdf(view, a_credential()))[0]

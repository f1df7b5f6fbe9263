"""The certificate's pages: A4, Chinese with English labels, a records table that flows on."""

from __future__ import annotations

from datetime import date

import segno
from fpdf import FPDF
from fpdf.enums import TableCellFillMode, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from certificates.fonts import FONT_FAMILY
from certificates.hours import format_hours
from certificates.qr import dark_runs
from certificates.view import CertificateView

MARGIN = 18.0  # mm, left and right
TOP_MARGIN = 16.0
BOTTOM_MARGIN = 20.0  # leaves room for the footer
QR_COLUMN = 52.0  # the QR code and its URL sit in a column on the right of the first page
QR_SIDE = 32.0
LABEL_WIDTH = 48.0
ISSUER_BLOCK_HEIGHT = 44.0  # kept on one page with nothing split

BLACK = (0, 0, 0)
GREY = (90, 90, 90)
RED = (190, 20, 20)
HEADING_FILL = (232, 236, 242)
STRIPE_FILL = (247, 248, 250)
# Columns: date, activity, category, hours; fractions of the table's width.
COLUMN_WIDTHS = (26, 84, 40, 24)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class CertificateDocument(FPDF):
    """One certificate: header note on every page, footer with its number and page count."""

    def __init__(self, view: CertificateView) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.view = view
        self.set_margins(MARGIN, TOP_MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)

    def header(self) -> None:
        # On every page: a page of a revoked certificate must not pass for a valid one.
        if self.view.status_note:
            with self.local_context(font_size_pt=11, text_color=RED):
                self.set_xy(MARGIN, 7)
                self.cell(w=self.epw, h=6, text=self.view.status_note, align="C")
            self.set_y(TOP_MARGIN)

    def footer(self) -> None:
        self.set_y(-14)
        with self.local_context(font_size_pt=8, text_color=GREY):
            half = self.epw / 2
            self.cell(w=half, h=5, text=f"证书编号 / Certificate No. {self.view.number}")
            page = self.page_no()
            self.cell(w=half, h=5, text=f"第 {page} 页 / Page {page} of {{nb}}", align="R")

    def draw(self, qr: segno.QRCode, qr_text: str) -> None:
        self.set_font(FONT_FAMILY, size=10)
        self.add_page()
        self._title()
        self._statement()
        top = self.get_y()
        self._qr(qr, qr_text, top)
        qr_bottom = self.get_y()
        self.set_y(top)
        self._fields()
        self.set_y(max(self.get_y(), qr_bottom) + 3)
        self._free_and_verification(qr_text)
        self._records()
        self._issuer()

    def _title(self) -> None:
        # The CJK font has one weight; a thin stroke over the fill gives the title some weight.
        with self.local_context(font_size_pt=24, text_mode=TextMode.FILL_STROKE, line_width=0.3):
            self.cell(w=self.epw, h=12, text="志愿服务证明", align="C", new_x=XPos.LMARGIN)
        self.ln(12)
        with self.local_context(font_size_pt=12, text_color=GREY):
            self.cell(w=self.epw, h=6, text="Certificate of Volunteer Service", align="C")
        self.ln(10)

    def _statement(self) -> None:
        view = self.view
        hours = format_hours(view.total_minutes)
        chinese = (
            f"兹证明 {view.volunteer_name}（志愿者编号 {view.volunteer_number}）于 "
            f"{chinese_date(view.period_start)}至{chinese_date(view.period_end)}期间参加"
            f"{view.issuer_name}组织的志愿服务，经记录核实，累计服务时长 {hours} 小时，明细如下。"
        )
        english = (
            f"This is to certify that {view.volunteer_name} (Volunteer No. "
            f"{view.volunteer_number}) served in volunteer activities organised by "
            f"{view.issuer_name} from {view.period_start.isoformat()} to "
            f"{view.period_end.isoformat()}, with a recorded total of {hours} hours, "
            "itemised below."
        )
        self._paragraph(chinese, size_pt=11, line_height=6.5, chinese=True)
        self.ln(1)
        self._paragraph(english, size_pt=9, line_height=4.6, chinese=False)
        self.ln(4)

    def _fields(self) -> None:
        view = self.view
        hours = format_hours(view.total_minutes)
        period = f"{view.period_start.isoformat()} 至 / to {view.period_end.isoformat()}"
        rows = (
            ("志愿者姓名 / Name", view.volunteer_name),
            ("志愿者编号 / Volunteer No.", view.volunteer_number),
            ("服务时长 / Service hours", f"{hours} 小时 / hours"),
            ("服务期间 / Period", period),
            ("证书编号 / Certificate No.", view.number),
        )
        self._label_rows(rows, value_width=self.epw - QR_COLUMN - LABEL_WIDTH)

    def _qr(self, qr: segno.QRCode, qr_text: str, top: float) -> None:
        """The code as vector rectangles, its URL under it in the same upper case."""
        left = self.l_margin + self.epw - QR_COLUMN + (QR_COLUMN - QR_SIDE) / 2
        width, _ = qr.symbol_size(scale=1, border=0)
        module = QR_SIDE / width
        with self.local_context(fill_color=BLACK):
            for row, column, length in dark_runs(qr):
                # A hair of overlap so no viewer shows seams between neighbouring rows.
                x, y = left + column * module, top + row * module
                self.rect(x, y, length * module, module + 0.02, "F")
        self.set_xy(self.l_margin + self.epw - QR_COLUMN, top + QR_SIDE + 1.5)
        with self.local_context(font_size_pt=self._fitting_size(qr_text), text_color=GREY):
            self.multi_cell(
                w=QR_COLUMN,
                h=3.2,
                text=qr_text,
                align="C",
                wrapmode=WrapMode.CHAR,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            self.set_x(self.l_margin + self.epw - QR_COLUMN)
            self.cell(w=QR_COLUMN, h=4, text="扫码核验 / Scan to verify", align="C")
        self.set_y(self.get_y() + 4)

    def _fitting_size(self, text: str) -> float:
        """The URL on one line under the code if 5.5 to 7 pt allows; longer ones wrap."""
        with self.local_context(font_size_pt=7):
            width = self.get_string_width(text)
        return max(5.5, min(7.0, 7.0 * (QR_COLUMN - 2) / width))

    def _free_and_verification(self, qr_text: str) -> None:
        lines = (
            "本证明免费出具。依据“谁组织、谁记录、谁证明”的原则，由组织志愿服务的单位出具。",
            "This certificate is issued free of charge, by the organisation that organised the "
            "service (whoever organises records, whoever records certifies).",
            f"核验方式：扫描二维码或访问 {qr_text}，核对证书编号与内容；本 PDF 附有已签名的"
            "电子凭证 certificate.json，可离线核验。",
            "To verify: scan the QR code or open the address above and compare the certificate "
            "number and details; the signed credential certificate.json attached to this PDF "
            "verifies offline.",
        )
        for index, text in enumerate(lines):
            chinese = index % 2 == 0
            self._paragraph(
                text,
                size_pt=9 if chinese else 8,
                line_height=4.6 if chinese else 4,
                chinese=chinese,
                color=GREY,
            )
        self.ln(4)

    def _paragraph(
        self,
        text: str,
        *,
        size_pt: float,
        line_height: float,
        chinese: bool,
        color: tuple[int, int, int] = BLACK,
    ) -> None:
        # Chinese breaks between any two characters; English only at spaces.
        with self.local_context(font_size_pt=size_pt, text_color=color):
            self.multi_cell(
                w=self.epw,
                h=line_height,
                text=text,
                align="L",
                wrapmode=WrapMode.CHAR if chinese else WrapMode.WORD,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    def _records(self) -> None:
        heading = FontFace(emphasis="", fill_color=HEADING_FILL)
        with (
            self.local_context(font_size_pt=9),
            self.table(
                width=self.epw,
                col_widths=COLUMN_WIDTHS,
                text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
                headings_style=heading,
                line_height=5.2,
                padding=(1.2, 1.6),
                cell_fill_color=STRIPE_FILL,
                cell_fill_mode=TableCellFillMode.ROWS,
                wrapmode=WrapMode.CHAR,
                repeat_headings=1,
            ) as table,
        ):
            header = table.row()
            for text in ("日期 / Date", "服务活动 / Activity", "类别 / Category", "时长 / Hours"):
                header.cell(text)
            for record in self.view.records:
                row = table.row()
                row.cell(record.service_date.isoformat())
                row.cell(record.activity)
                row.cell(record.category)
                row.cell(format_hours(record.minutes))
            total = table.row()
            total.cell("合计 / Total", colspan=3, align="RIGHT")
            total.cell(format_hours(self.view.total_minutes))
        self.ln(6)

    def _issuer(self) -> None:
        view = self.view
        if self.will_page_break(ISSUER_BLOCK_HEIGHT):
            self.add_page()
        rows = (
            ("出具单位 / Issued by", view.issuer_name),
            ("负责人 / Person in charge", view.person_in_charge),
            ("经办人 / Handler", view.handler),
            ("联系方式 / Contact", view.contact),
            ("出具日期 / Date of issue", f"{chinese_date(view.issued_on)}（{view.issued_on}）"),
        )
        top = self.get_y()
        self._label_rows(rows, value_width=self.epw - QR_COLUMN - LABEL_WIDTH)
        # Where the organisation stamps its seal, as paper certificates are in China.
        self.set_xy(self.l_margin + self.epw - QR_COLUMN, top + 12)
        with self.local_context(font_size_pt=9, text_color=GREY):
            self.cell(w=QR_COLUMN, h=6, text="（单位盖章 / Seal）", align="C")

    def _label_rows(self, rows: tuple[tuple[str, str], ...], *, value_width: float) -> None:
        for label, value in rows:
            self.set_x(self.l_margin)
            with self.local_context(font_size_pt=9, text_color=GREY):
                self.cell(w=LABEL_WIDTH, h=7, text=label)
            with self.local_context(font_size_pt=11):
                self.multi_cell(
                    w=value_width,
                    h=7,
                    text=value,
                    wrapmode=WrapMode.CHAR,
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )

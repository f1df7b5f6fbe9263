"""Lists as files to hand on: CSV (UTF-8 with a BOM) and, for reports, Excel workbooks.

A route that can export takes ``format`` (``?format=csv``, a plain link works) or reads the
``Accept`` header (``text/csv``, or the xlsx type); ``format`` wins when both are given. A
CSV opens in Excel on Chinese Windows because of its byte-order mark, streams every row in
scope (no page, no cursor), and neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
BOM = "\ufeff"
#: Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ListFormat(StrEnum):
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


_MEDIA = {CSV: "csv", XLSX: "xlsx", JSON: "json"}


def _chosen(request: Request, asked: str | None, offered: Iterable[str]) -> str:
    """``format`` if given, else the first type in ``Accept`` that is offered, else JSON."""
    if asked is not None:
        return asked
    for part in request.headers.get("accept", "").split(","):
        media, *parameters = (piece.strip().lower() for piece in part.split(";"))
        if "q=0" in parameters or "q=0.0" in parameters:
            continue
        chosen = _MEDIA.get(media)
        if chosen is not None and chosen in offered:
            return chosen
    return "json"


async def _list_format(
    request: Request,
    format: Annotated[
        ListFormat | None,
        Query(description="csv: every row in scope as a CSV file (or send Accept: text/csv)"),
    ] = None,
) -> str:
    return _chosen(request, format, ("json", "csv"))


async def _report_format(
    request: Request,
    format: Annotated[
        ReportFormat | None,
        Query(description="csv or xlsx: the whole report as a file (or send Accept)"),
    ] = None,
) -> str:
    return _chosen(request, format, ("json", "csv", "xlsx"))


#: The format a list route answers in: ``json``, or ``csv``.
ListFormatDep = Annotated[str, Depends(_list_format)]
#: The format a report answers in: ``json``, ``csv`` or ``xlsx``.
ReportFormatDep = Annotated[str, Depends(_report_format)]


def file_types(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The extra media types of a route's 200 answer, for its ``responses``."""
    content = {
        media: {"schema": {"type": "string", **({"format": "binary"} if media == XLSX else {})}}
        for media in media_types
    }
    return {200: {"content": content, "description": "JSON, or the file asked for"}}


def attachment(filename: str) -> str:
    """``Content-Disposition`` for a download: an ASCII ``filename`` for old clients, and the
    name itself (Chinese included) as ``filename*`` (RFC 6266, RFC 5987)."""
    stem, dot, extension = filename.rpartition(".")
    ascii_stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", stem)).strip("-")
    fallback = f"{ascii_stem or 'export'}{dot}{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def cell(value: object) -> str:
    """Text as it is, unless a spreadsheet would run it as a formula (a name or a reason
    anyone typed could start with ``=``): then with a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The BOM and the header, then the rows, a few hundred at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(value) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> StreamingResponse:
    """Every row as CSV, streamed while it is read."""
    return StreamingResponse(
        _csv_chunks(header, rows),
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": attachment(filename)},
    )


def xlsx_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str, title: str
) -> Response:
    """The rows as one worksheet of an Excel workbook; numbers stay numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "Sheet1")
    sheet.append(list(header))
    for row in rows:
        sheet.append([value if isinstance(value, int) else cell(value) for value in row])
    data = io.BytesIO()
    workbook.save(data)
    return Response(
        data.getvalue(), media_type=XLSX, headers={"Content-Disposition": attachment(filename)}
    )

"""The pieces of a file download: its name, and cells a spreadsheet would run."""

import pytest

from api.exports import attachment, cell


def test_a_chinese_file_name_is_given_whole_as_filename_star_and_in_ascii_beside_it():
    assert attachment("hours-和平里社区-2026-B6.csv") == (
        'attachment; filename="hours-2026-B6.csv"; '
        "filename*=UTF-8''hours-%E5%92%8C%E5%B9%B3%E9%87%8C%E7%A4%BE%E5%8C%BA-2026-B6.csv"
    )


def test_a_name_with_no_ascii_at_all_still_has_a_plain_fallback():
    assert attachment("和平里.csv").startswith('attachment; filename="export.csv"; ')


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\t=1"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert cell(text).startswith("'")


def test_other_cells_are_left_as_they_are():
    assert (cell("王小明"), cell(None), cell(255)) == ("王小明", "", "255")

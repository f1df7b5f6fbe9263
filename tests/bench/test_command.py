"""The benchmark command's refusals: one line and a non-zero exit, before any work."""

from __future__ import annotations

import subprocess

import pytest

from api.cli import main as volunteer_ledger
from bench.command import main


def test_the_subcommand_hands_its_options_to_the_benchmark(capsys):
    with pytest.raises(SystemExit) as exit:
        volunteer_ledger(["bench", "--help"])

    assert exit.value.code == 0
    assert "--scale {medium,small}" in capsys.readouterr().out


def test_an_unknown_section_is_refused_in_one_line(capsys):
    assert main(["--only", "projections,speed"]) == 2

    err = capsys.readouterr().err.strip()
    assert err.startswith("volunteer-ledger bench: unknown sections: speed (known: http,")
    assert "\n" not in err


def test_several_api_workers_on_sqlite_are_refused_in_one_line(capsys):
    assert main(["--workers", "2"]) == 2

    err = capsys.readouterr().err.strip()
    assert err == "volunteer-ledger bench: --workers above 1 needs --store postgres"


def test_the_comparison_of_api_workers_is_a_part_one_may_choose(capsys):
    assert main(["--only", "workers,speed"]) == 2

    assert "(known: http, memory, workers," in capsys.readouterr().err


def test_without_wrk_and_no_way_to_install_it_the_benchmark_stops_at_once(
    monkeypatch, capsys, tmp_path
):
    def refused(command, **_):
        raise subprocess.CalledProcessError(100, command)

    monkeypatch.setattr("bench.wrk.shutil.which", lambda name: None)
    monkeypatch.setattr("bench.wrk.subprocess.run", refused)

    assert main(["--out", str(tmp_path / "report")]) == 1

    assert "wrk is not installed" in capsys.readouterr().err
    assert not (tmp_path / "report").exists()

"""volunteer-ledger projections status and rebuild (run is tested as a process, in projections)."""

import io

import pytest

from api.cli import main
from api.cli.projections import RebuildProgress
from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections

NAMES = [p.name for p in all_projections()]


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/data/ledger.db"
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", url)
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(tmp_path / "data"))
    ledger = Ledger(url)
    generate(ledger, 200)
    head = ledger.recorder.max_notification_id()
    ledger.close()
    return head


def test_status_prints_each_read_model_s_position_and_lag(store, capsys):
    assert main(["projections", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines] == [
        [name, "position", "0", "lag", str(store)] for name in NAMES
    ]


def test_rebuilding_one_read_model_replays_it_alone(store, capsys):
    assert main(["projections", "rebuild", "directory"]) == 0
    out, err = capsys.readouterr()
    assert out == f"rebuilt directory: {store:,} events\n"
    assert err.startswith(f"rebuilding directory: {store:,} / {store:,} events (100%)")
    main(["projections", "status"])
    positions = {
        line.split()[0]: int(line.split()[2])
        for line in capsys.readouterr().out.split("\n")
        if line
    }
    assert positions == {name: store if name == "directory" else 0 for name in NAMES}


def test_rebuilding_an_unknown_read_model_is_a_one_line_error(store, capsys):
    assert main(["projections", "rebuild", "leaderboard-of-everything"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "volunteer-ledger: there is no read model named 'leaderboard-of-everything'"
    )
    assert err.count("\n") == 1


def test_a_store_out_of_reach_is_a_one_line_error(capsys):
    assert (
        main(["--store", "sqlite:////proc/no-such-place/ledger.db", "projections", "status"]) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("volunteer-ledger: projections status failed: ")
    assert err.count("\n") == 1


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_line_is_redrawn_in_place():
    terminal = Terminal()
    progress = RebuildProgress(["directory"], 1000, terminal)
    progress.shown -= 1  # as if the last drawing were a second ago
    progress.batch("directory", 400)
    progress.finish()
    drawn = terminal.getvalue()
    assert drawn.startswith("\rrebuilding directory: 400 / 1,000 events (40%)")
    assert "\rrebuilding directory: 400 / 400 events (100%)" in drawn
    assert drawn.endswith("\n")
    assert drawn.count("\n") == 1


def test_off_a_terminal_progress_is_written_as_plain_lines():
    log = io.StringIO()
    progress = RebuildProgress(["directory", "hours"], 1000, log, log_every=0)
    progress.batch("directory", 500)
    progress.batch("hours", 500)
    progress.finish()
    lines = log.getvalue().splitlines()
    assert all("\r" not in line for line in lines)
    assert lines[-1].startswith("rebuilding all read models: 500 / 500 events (100%)")

"""``serve`` does not start without its database: one line, a non-zero exit, no traceback."""

from __future__ import annotations

from api.cli import main
from tests.tcp_proxy import PROXY_PORTS, free_port


def test_serve_stops_in_one_line_when_its_database_cannot_be_reached(tmp_path, monkeypatch, capsys):
    port = free_port(PROXY_PORTS)  # nothing listens there: the connection is refused
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", f"postgresql://postgres@127.0.0.1:{port}/test")
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(tmp_path / "data"))
    assert main(["serve", "--port", "8849"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        f"volunteer-ledger: cannot reach the database at 127.0.0.1:{port}/test: "
    )
    assert error.count("\n") == 1

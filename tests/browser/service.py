"""The real service for the browser tests: ``volunteer-ledger demo`` into a fresh data folder,
then ``volunteer-ledger serve`` in its own process on a free port of this worker's share."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx2 as httpx

from tests.tcp_proxy import free_port, worker_ports

#: This worker's share of the ports the browser tests' servers listen on.
SERVER_PORTS = worker_ports(8940)
START_SECONDS = 60
_LOGIN = re.compile(
    r"log in as (?P<who>admin|organiser|volunteer)[^:]*: (?P<login>\S+) / (?P<pw>\S+)"
)
_CERTIFICATE = re.compile(r"a certificate of volunteer .*?: (?P<number>VC\d{13})")


@dataclass(frozen=True)
class Login:
    login: str
    password: str


@dataclass
class Service:
    """A running service with the demo's logins and certificate."""

    url: str
    data_dir: Path
    logins: dict[str, Login]
    certificate: str
    process: subprocess.Popen[bytes]
    log: BinaryIO

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _command(*args: str) -> list[str]:
    """The installed ``volunteer-ledger`` command beside this Python (the venv's)."""
    return [str(Path(sys.executable).parent / "volunteer-ledger"), *args]


def start_service(data_dir: Path, log: Path) -> Service:
    port = free_port(SERVER_PORTS)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VOLUNTEER_LEDGER_DATA_DIR": str(data_dir),
        "VOLUNTEER_LEDGER_PUBLIC_URL": url,
    }
    env.pop("VOLUNTEER_LEDGER_STORE", None)
    demo = subprocess.run(
        _command("demo"), env=env, capture_output=True, text=True, check=True, timeout=120
    )
    logins = {
        m["who"]: Login(m["login"], m["pw"]) for m in _LOGIN.finditer(demo.stdout + demo.stderr)
    }
    found = _CERTIFICATE.search(demo.stdout + demo.stderr)
    assert found is not None, demo.stdout + demo.stderr
    assert len(logins) == 3, demo.stdout + demo.stderr
    output = log.open("wb")
    process = subprocess.Popen(
        _command("serve", "--port", str(port)), env=env, stdout=output, stderr=subprocess.STDOUT
    )
    service = Service(url, data_dir, logins, found["number"], process, output)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.close()
            raise RuntimeError(f"the service stopped at start:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return service
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    service.stop()
    raise RuntimeError(f"the service did not answer within {START_SECONDS} s:\n{log.read_text()}")

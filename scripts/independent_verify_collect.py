"""Collecting what an independent verifier needs from the running service, and running it.

The service with the demo data runs in a temporary folder on a free local port. Each document is
read from the URL the credential itself names, at that URL's path on the running service (it
runs here, not at its public name), and kept as served, byte for byte: the issuer's DID document
(did:web), each status list credential, each context not bundled in trust/contexts/. Then
scripts/independent-verifier/verify.js checks a credential against those files, offline.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VERIFIER = REPO / "scripts" / "independent-verifier"
OWN_SCHEMA_COPY = VERIFIER / "schema" / "ob_v3p0_achievementcredential_schema.json"
SCHEMA_NAME = "ob_v3p0_achievementcredential_schema.json"


def bundled_contexts() -> dict[str, Path]:
    """The contexts the project ships (trust/contexts/), by URL."""
    from trust.rdfc import CONTEXT_FILES

    folder = REPO / "trust" / "contexts"
    return {url: folder / name for url, name in CONTEXT_FILES.items()}


def schema_file() -> Path:
    """1EdTech's schema as kept in the tests, else this harness's own copy."""
    for found in sorted((REPO / "tests").rglob(SCHEMA_NAME)):
        return found
    return OWN_SCHEMA_COPY


class Service:
    """The service with the demo data, in a temporary folder, on a free local port."""

    def __init__(self, work: Path) -> None:
        self.work = work
        port = int(os.environ.get("INDEPENDENT_VERIFY_PORT", "0")) or free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, VOLUNTEER_LEDGER_LOGIN_FAILURES_PER_ACCOUNT="100000")
        env.pop("VOLUNTEER_LEDGER_PUBLIC_URL", None)
        self.log = work / "server.log"
        command = [str(Path(sys.executable).parent / "volunteer-ledger"), "serve", "--demo"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(port)], cwd=work, env=env, stdout=out, stderr=out
            )
        self.token = ""
        self._contexts: dict[str, bytes] | None = None

    def start(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the service stopped:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.base}/readyz", timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the service did not become ready in 120 s")
        password = re.search(r"log in as admin: \S+ / (\S+)", self.log.read_text())
        if password is None:
            raise SystemExit("no demo admin password in the server log")
        form = urllib.parse.urlencode({"username": "demo.admin", "password": password[1]})
        self.token = self.request("POST", "/v1/auth/token", form.encode(), form=True)[
            "access_token"
        ]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def certificate_number(self) -> str:
        found = re.search(r"VC[0-9]{13}", self.log.read_text())
        if found is None:
            raise SystemExit("the demo issued no certificate")
        return found[0]

    def served_contexts(self) -> dict[str, bytes]:
        """What the service serves as JSON-LD (``application/ld+json``, says its OpenAPI) at a
        path without parameters, by path."""
        if self._contexts is None:
            self._contexts = {}
            for path, operations in self.request("GET", "/openapi.json")["paths"].items():
                answers = operations.get("get", {}).get("responses", {}).get("200", {})
                if "{" not in path and "application/ld+json" in answers.get("content", {}):
                    self._contexts[path] = self.get_url(self.base + path)
        return self._contexts

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, body: bytes | None = None, form: bool = False) -> Any:
        headers = {"Accept": "application/json", **self.auth()}
        if body is not None:
            headers["Content-Type"] = (
                "application/x-www-form-urlencoded" if form else "application/json"
            )
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def get_url(self, url: str) -> bytes:
        """A document the credential names by URL, as served (the bytes a digest pins), read
        from this service at that URL's path: the service runs here, not at its public name."""
        request = urllib.request.Request(
            self.base + served_path(url),
            headers={"Accept": "application/ld+json, application/json", **self.auth()},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body: bytes = response.read()
            return body


def _same_json(one: bytes, other: bytes) -> bool:
    try:
        return bool(json.loads(one) == json.loads(other))
    except ValueError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def served_path(url: str) -> str:
    """The path on the service of a URL it publishes, and of a did:web DID (its DID document)."""
    if url.startswith("did:web:"):
        did = url.split("#", 1)[0]
        parts = did.removeprefix("did:web:").split(":")
        return (
            "/" + "/".join([*parts[1:], "did.json"]) if len(parts) > 1 else "/.well-known/did.json"
        )
    parts = urllib.parse.urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def status_entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential.get("credentialStatus") or []
    return [s for s in (status if isinstance(status, list) else [status]) if isinstance(s, dict)]


def context_urls(document: Any) -> Iterator[str]:
    """Every context URL a document names, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "@context":
                for context in value if isinstance(value, list) else [value]:
                    if isinstance(context, str):
                        yield context
                    else:
                        yield from context_urls(context)
            else:
                yield from context_urls(value)
    elif isinstance(document, list):
        for item in document:
            yield from context_urls(item)


class Collected:
    """What the verifier is given, as files in one folder."""

    def __init__(self, folder: Path, service: Service, credential: dict[str, Any]) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.credential = credential
        self.documents: dict[str, Path] = {}
        self.notes: list[str] = []
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        self.did_document = self.write("did.json", service.get_url(str(issuer_id)))
        self.lists: dict[str, Any] = {}
        for entry in status_entries(credential):
            url = entry.get("statusListCredential")
            if isinstance(url, str) and url not in self.lists:
                body = service.get_url(url)
                self.lists[url] = json.loads(body)
                self.documents[url] = self.write(f"list-{len(self.lists)}.json", body)
        self.collect_contexts(service)

    def write(self, name: str, document: Any) -> Path:
        """A document as a file: bytes as served, anything else as JSON."""
        path = self.folder / name
        if isinstance(document, bytes):
            path.write_bytes(document)
        else:
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2))
        return path

    def collect_contexts(self, service: Service) -> None:
        bundled = bundled_contexts()
        pending = list(context_urls([self.credential, *self.lists.values()]))
        pending += list(context_urls(json.loads(self.did_document.read_text())))
        while pending:
            url = pending.pop()
            if url in self.documents:
                continue
            body = self.served_context(service, url, bundled.get(url))
            if body is not None:
                self.documents[url] = self.write(f"context-{len(self.documents)}.json", body)
                pending += list(context_urls(json.loads(body)))
            elif url in bundled:
                self.documents[url] = bundled[url]
            else:
                self.notes.append(f"context {url}: not bundled nor served; the verifier's own")

    def served_context(self, service: Service, url: str, bundled: Path | None) -> bytes | None:
        """The context as the service serves it: at the URL's own path, or else (a URL that
        redirects to the service, as a w3id.org one does) at one of its JSON-LD routes with
        the bytes of the bundled copy. None when the service does not serve it."""
        try:
            return service.get_url(url)
        except (urllib.error.URLError, ValueError):
            pass
        if bundled is None:
            return None
        mine = bundled.read_bytes()
        for path, body in service.served_contexts().items():
            if body == mine:
                self.notes.append(f"context {url}: served at {path}, the bundled bytes")
                return body
            if _same_json(body, mine):
                self.notes.append(f"context {url}: served at {path}, not the bundled bytes")
                return body
        return None

    def verify(self, credential: dict[str, Any], name: str) -> dict[str, Any]:
        path = self.write(name, credential)
        command = ["node", str(VERIFIER / "verify.js"), str(path), "--schema", str(schema_file())]
        command += ["--did-document", str(self.did_document)]
        for url, file in sorted(self.documents.items()):
            command += ["--document", f"{url}={file}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode not in (0, 1):
            raise SystemExit(f"verify.js failed ({done.returncode}):\n{done.stderr}")
        verdict: dict[str, Any] = json.loads(done.stdout)
        (self.folder / f"verdict-{name}").write_text(done.stdout)
        return verdict

"""``volunteer-ledger verify-certificate FILE``: check a certificate offline, trusting no server.

FILE is the credential (JSON) or the PDF it is attached to. The issuer's keys come from the
issuer document (``GET /v1/issuer``, saved to a file) or from ``--issuer-key`` and ``--log-key``.
Offline, the log's consistency and the status cannot be asked and are reported as not checked;
``--online URL`` asks the issuer's service for both: its current checkpoint, the ledger's status
of the certificate, and each status list the certificate points at (fetched from that service
at the list URL's path, and believed only if signed by the issuer's key). ``--status-list FILE``
reads a list saved earlier, with no network: the certificate's status as of that list.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from certificates import CertificateRenderError, read_credential
from trust.certificate_check import (
    CurrentLog,
    IssuerKeys,
    LedgerStatus,
    Verdict,
    verify_certificate,
)
from trust.checkpoint import parse_checkpoint
from trust.errors import TrustError
from trust.multibase import decode_public_key
from trust.status_check import list_urls

MARKS = {True: "✔", False: "✘", None: "·"}


class VerifyInputError(Exception):
    """The file or keys given cannot be read."""


def add_verify_certificate_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "verify-certificate", help="check a certificate (JSON or PDF) without trusting a server"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--issuer", type=Path, help="the issuer document from GET /v1/issuer")
    parser.add_argument("--issuer-key", help="the issuer's public key (multibase, z6Mk…)")
    parser.add_argument("--log-key", help="the log's verifier key (from GET /v1/issuer)")
    parser.add_argument("--online", metavar="URL", help="also ask this service for log and status")
    parser.add_argument(
        "--status-list",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a status list credential saved earlier (JSON), read offline; repeatable",
    )


def run_verify_certificate(args: argparse.Namespace) -> int:
    try:
        credential = _read_credential(args.file)
        issuer = _issuer_keys(args, credential)
        lists = _saved_status_lists(args.status_list)
    except VerifyInputError as error:
        print(f"volunteer-ledger: {error}", file=sys.stderr)
        return 2
    current_log, status = (None, None)
    if args.online:
        current_log, status = _ask_online(args.online, credential)
        lists = {**(lists or {}), **_fetch_status_lists(args.online, credential)}
    verdict = verify_certificate(
        credential, issuer, current_log=current_log, status=status, status_lists=lists
    )
    _print(verdict)
    return 0 if verdict.verdict in ("valid", "authentic") else 1


def _read_credential(path: Path) -> dict[str, Any]:
    try:
        return read_credential(path.read_bytes())
    except (OSError, CertificateRenderError) as error:
        raise VerifyInputError(f"cannot read a credential from {path}: {error}") from None


def _issuer_keys(args: argparse.Namespace, credential: dict[str, Any]) -> IssuerKeys:
    try:
        if args.issuer:
            document = json.loads(args.issuer.read_text())
            keys = {
                method["id"]: decode_public_key(method["publicKeyMultibase"])
                for method in document["verificationMethod"]
            }
            return IssuerKeys(document["id"], keys, document["log"]["key"])
        if args.issuer_key and args.log_key:
            issuer = credential.get("issuer", {})
            issuer_id = issuer.get("id") if isinstance(issuer, dict) else str(issuer)
            key = decode_public_key(args.issuer_key)
            return IssuerKeys(str(issuer_id), {f"{issuer_id}#{args.issuer_key}": key}, args.log_key)
    except (OSError, ValueError, KeyError, TypeError, TrustError) as error:
        raise VerifyInputError(f"cannot read the issuer's keys: {error}") from None
    raise VerifyInputError("give --issuer FILE, or both --issuer-key and --log-key")


def _ask_online(url: str, credential: dict[str, Any]) -> tuple[CurrentLog | None, LedgerStatus]:
    base = url.rstrip("/")
    subject = credential.get("credentialSubject", {}).get("certificate", {})
    number = urllib.parse.quote(str(subject.get("number", "")))
    with urllib.request.urlopen(f"{base}/v1/certificates/{number}/status", timeout=30) as r:
        found = json.load(r)
    status = LedgerStatus(found["status"], found.get("reason"))
    evidence = next((e for e in credential.get("evidence", []) if "checkpoint" in e), None)
    if evidence is None:
        return None, status
    with urllib.request.urlopen(f"{base}/v1/log/checkpoint?fresh=true", timeout=30) as r:
        note = r.read().decode()
    old, new = parse_checkpoint(evidence["checkpoint"]).size, parse_checkpoint(note).size
    query = urllib.parse.urlencode({"from": old, "to": new})
    with urllib.request.urlopen(f"{base}/v1/log/proofs/consistency?{query}", timeout=30) as r:
        proof = [base64.b64decode(node) for node in json.load(r)["proof"]]
    return CurrentLog(note, proof), status


def _saved_status_lists(paths: list[Path]) -> dict[str, Any] | None:
    """Status list credentials saved earlier, by their ``id`` (the URL entries point at)."""
    if not paths:
        return None
    lists = {}
    for path in paths:
        try:
            document = json.loads(path.read_text())
            lists[str(document["id"])] = document
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise VerifyInputError(f"cannot read a status list from {path}: {error}") from None
    return lists


def _fetch_status_lists(url: str, credential: dict[str, Any]) -> dict[str, Any]:
    """The status list credentials the certificate points at, from the service at ``url``; a
    list that cannot be fetched is left out (its check then says not checked)."""
    base = url.rstrip("/")
    lists = {}
    for list_url in list_urls(credential):
        parts = urllib.parse.urlsplit(list_url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=30) as r:
                lists[list_url] = json.load(r)
        except (OSError, ValueError):
            continue
    return lists


def _print(verdict: Verdict) -> None:
    for check in verdict.checks:
        print(f"{MARKS[check.passed]} {check.name}: {check.detail}")
    print(f"verdict: {verdict.verdict}" + (f" ({verdict.reason})" if verdict.reason else ""))

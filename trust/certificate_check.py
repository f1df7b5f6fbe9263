"""Verifying a certificate without trusting the server: one verdict, every check named.

Checks: each proof of the proof set, named by its suite (``signature[eddsa-jcs-2022]``,
``signature[eddsa-rdfc-2022]``; ``trust.proof_set``); that the signing key belongs to the
issuer; the checkpoint's signature by the log key; each inclusion proof; that each leaf's
commitments open to the values given (``opening``); that the leaves say what the certificate
claims (each record approved with the claimed minutes and date; the issuing event with the
number, records and total); that the issuing event and each record's recording commit to one
holder (``holder``); that the checkpoint is consistent with the current log (when the current
checkpoint and a consistency proof are at hand); each Bitstring Status List entry (when its
list was fetched; see ``trust.status_check``); and the ledger's own status (when it was
asked), which also says ``superseded``.
A check that could not be made offline is reported as not checked, never as passed.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trust.checkpoint import Checkpoint, open_checkpoint
from trust.errors import TrustError
from trust.leaf import open_commitments, parse_leaf
from trust.merkle import leaf_hash, verify_consistency
from trust.note import parse_vkey
from trust.ob3 import EVIDENCE_TYPE
from trust.proof_set import check_proofs
from trust.status_check import combined_status, read_status_lists
from trust.tlog_proof import parse_tlog_proof, verify_tlog_proof


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None
    """True, False, or None when it could not be checked here."""
    detail: str


@dataclass(frozen=True)
class IssuerKeys:
    """What the issuer publishes: its id, its signing keys (retired ones too), its log key."""

    issuer_id: str
    keys: Mapping[str, Ed25519PublicKey]
    """Verification method id → public key."""
    log_key: str


@dataclass(frozen=True)
class CurrentLog:
    checkpoint: str
    consistency_proof: list[bytes]
    """From the certificate's checkpoint size to the current one."""


@dataclass(frozen=True)
class LedgerStatus:
    status: str
    reason: str | None = None


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    status: str | None = None
    reason: str | None = None

    @property
    def verdict(self) -> str:
        """``invalid`` if any check failed; else the status (``valid``, ``revoked``,
        ``superseded``), or ``authentic`` when the status could not be asked."""
        if any(check.passed is False and check.name != "status" for check in self.checks):
            return "invalid"
        return self.status or "authentic"

    def add(self, name: str, passed: bool | None, detail: str) -> bool:
        self.checks.append(Check(name, passed, detail))
        return passed is True


def verify_certificate(
    credential: Mapping[str, Any],
    issuer: IssuerKeys,
    *,
    current_log: CurrentLog | None = None,
    status: LedgerStatus | None = None,
    status_lists: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Verdict:
    """``status_lists``: the status list credentials fetched, by URL (None: none fetched)."""
    verdict = Verdict()
    _check_signature(credential, issuer, verdict)
    checkpoint = _check_checkpoint(credential, issuer, verdict)
    if checkpoint is not None:
        _check_inclusions(credential, issuer, checkpoint, verdict)
        _check_consistency(checkpoint, issuer, current_log, verdict)
    readings = read_status_lists(credential, issuer.issuer_id, issuer.keys, status_lists, now=now)
    for reading in readings:
        verdict.add(reading.name, reading.passed, reading.detail)
    if status is None:
        verdict.add("status", None, "not checked: ask the issuer's status endpoint")
    else:
        verdict.add("status", status.status == "valid", status.reason or status.status)
    asked = None if status is None else (status.status, status.reason)
    verdict.status, verdict.reason = combined_status(asked, readings)
    return verdict


def _check_signature(credential: Mapping[str, Any], issuer: IssuerKeys, verdict: Verdict) -> None:
    for name, passed, detail in check_proofs(credential, issuer.issuer_id, issuer.keys):
        verdict.add(name, passed, detail)


def _mapping(value: object) -> Mapping[str, Any]:
    """A part of the credential that should be an object: any other shape (a changed file)
    reads as empty, and the checks that need it fail."""
    return value if isinstance(value, Mapping) else {}


def _items(value: object) -> list[Any]:
    """A part that should be a list: any other shape reads as empty."""
    return value if isinstance(value, list) else []


def _evidence(credential: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for item in _items(credential.get("evidence")):
        if isinstance(item, Mapping) and EVIDENCE_TYPE in (item.get("type") or []):
            return item
    return None


def _check_checkpoint(
    credential: Mapping[str, Any], issuer: IssuerKeys, verdict: Verdict
) -> Checkpoint | None:
    evidence = _evidence(credential)
    if evidence is None:
        verdict.add("checkpoint_signature", False, "the credential carries no log evidence")
        return None
    key_name, key = parse_vkey(issuer.log_key)
    checkpoint = open_checkpoint(
        str(evidence.get("checkpoint")), str(evidence.get("origin")), key_name, key
    )
    verdict.add(
        "checkpoint_signature",
        checkpoint is not None,
        f"size {checkpoint.size}, signed by the log key"
        if checkpoint
        else "the checkpoint is not signed by the issuer's log key for this origin",
    )
    return checkpoint


def _check_inclusions(
    credential: Mapping[str, Any], issuer: IssuerKeys, checkpoint: Checkpoint, verdict: Verdict
) -> None:
    evidence = _evidence(credential)
    assert evidence is not None
    key_name, key = parse_vkey(issuer.log_key)
    leaves: dict[str, list[dict[str, Any]]] = {}
    for entry in map(_mapping, _items(evidence.get("entries"))):
        about = str(entry.get("about"))
        name = f"inclusion[{entry.get('leafIndex')}] {about}"
        try:
            leaf = base64.b64decode(str(entry["leaf"]), validate=True)
            proof = parse_tlog_proof(str(entry["proof"]))
        except (KeyError, ValueError, TrustError):
            verdict.add(name, False, "malformed evidence entry")
            continue
        included = (
            proof.index == entry.get("leafIndex")
            and proof.checkpoint == evidence.get("checkpoint")
            and verify_tlog_proof(
                str(entry["proof"]), leaf_hash(leaf), checkpoint.origin, key_name, key
            )
        )
        verdict.add(
            name,
            included,
            "in the log at the certificate's checkpoint"
            if included
            else "the proof does not lead from this leaf to the signed checkpoint",
        )
        if included:
            opened = _open_leaf(entry, leaf, about, verdict)
            if opened is not None:
                leaves.setdefault(about, []).append(opened)
    _check_claims(credential, evidence, leaves, verdict)


def _open_leaf(
    entry: Mapping[str, Any], data: bytes, about: str, verdict: Verdict
) -> dict[str, Any] | None:
    """The leaf as the certificate reads it: its public values and its opened commitments."""
    name = f"opening[{entry.get('leafIndex')}] {about}"
    try:
        leaf = parse_leaf(data)
        values = open_commitments(leaf, entry.get("openings"))
    except TrustError as error:
        verdict.add(name, False, error.message)
        return None
    verdict.add(name, True, "the openings open every commitment of this leaf")
    return {**leaf["public"], **values, "position": leaf["position"]}


def _check_claims(
    credential: Mapping[str, Any],
    evidence: Mapping[str, Any],
    leaves: dict[str, list[dict[str, Any]]],
    verdict: Verdict,
) -> None:
    claims = _mapping(_mapping(credential.get("credentialSubject")).get("certificate"))
    records = [_mapping(record) for record in _items(claims.get("records"))]
    for record in records:
        record_id = _record_id(record)
        logged = leaves.get(f"record:{record_id}", [])
        # A leaf that shows anything must open to this record (one that shows nothing is inert).
        others = [leaf for leaf in logged if leaf.get("record") != record_id and len(leaf) > 1]
        state: dict[str, Any] = {}
        for leaf in sorted(logged, key=lambda item: item.get("position", 0)):
            state.update({k: leaf[k] for k in ("minutes", "service_date", "status") if k in leaf})
            if "service_date" in leaf:
                state.setdefault("status", "pending")
        matches = (
            not others
            and state.get("status") == "approved"
            and state.get("minutes") == record.get("minutes")
            and state.get("service_date") == record.get("serviceDate")
        )
        verdict.add(
            f"record {record_id}",
            matches,
            "the log shows it approved with these minutes on this date"
            if matches
            else "a leaf given for it is of another record"
            if others
            else f"the log shows {state or 'nothing'} for this record",
        )
    issued = leaves.get("issuance", [])
    expected = {
        "number": claims.get("number"),
        "total_minutes": claims.get("totalMinutes"),
        "record_ids": sorted(_record_id(r) for r in records),
    }
    found = [
        {
            "number": leaf.get("number"),
            "total_minutes": leaf.get("total_minutes"),
            "record_ids": sorted(map(str, leaf.get("record_ids") or [])),
        }
        for leaf in issued
    ]
    verdict.add(
        "issuance",
        expected in found,
        "the log records this certificate's issue"
        if expected in found
        else "no issuing event in the log matches the certificate",
    )
    _check_holder(evidence.get("holder"), records, leaves, verdict)


def _record_id(record: Mapping[str, Any]) -> str:
    """A counted record's id as the log has it: ``urn:uuid:…`` names it since issue 17."""
    return str(record.get("id")).removeprefix("urn:uuid:")


def _check_holder(
    holder: object,
    records: list[Mapping[str, Any]],
    leaves: dict[str, list[dict[str, Any]]],
    verdict: Verdict,
) -> None:
    """The issuing event and every counted record are of one person: the certificate's holder."""
    wanted = ["issuance", *(f"record:{_record_id(r)}" for r in records)]
    strangers = [
        about
        for about in wanted
        if not any(leaf.get("holder") == holder for leaf in leaves.get(about, []))
        or any(leaf.get("holder", holder) != holder for leaf in leaves.get(about, []))
    ]
    passed = isinstance(holder, str) and not strangers
    verdict.add(
        "holder",
        passed,
        "the certificate and every record it counts are of its holder"
        if passed
        else "no holder named in the evidence"
        if not isinstance(holder, str)
        else f"not shown in the log to be of the certificate's holder: {', '.join(strangers)}",
    )


def _check_consistency(
    checkpoint: Checkpoint, issuer: IssuerKeys, current_log: CurrentLog | None, verdict: Verdict
) -> None:
    if current_log is None:
        verdict.add("log_consistency", None, "not checked: needs the log's current checkpoint")
        return
    key_name, key = parse_vkey(issuer.log_key)
    current = open_checkpoint(current_log.checkpoint, checkpoint.origin, key_name, key)
    consistent = current is not None and verify_consistency(
        checkpoint.size,
        current.size,
        checkpoint.root,
        current.root,
        current_log.consistency_proof,
    )
    verdict.add(
        "log_consistency",
        consistent,
        f"the log grew from {checkpoint.size} to {current.size} without rewriting"
        if consistent and current
        else "the current log is not an extension of it",
    )

"""Reading a credential's Bitstring Status List entries: each list credential verified with the
issuer's key, then the entry's bit read.

The caller fetches the lists (``statusListCredential`` URL → the list credential as JSON); a
list it did not fetch is reported as not checked. A list is refused unless it is a
``BitstringStatusListCredential`` of the credential's issuer, for the entry's purpose, valid
now, signed (``eddsa-jcs-2022``) by a key the issuer publishes, and at least 131,072 entries
long (the spec's minimum). A refused list is a failed check, never a silent "not revoked".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trust.eddsa_jcs import CRYPTOSUITE, verify_document
from trust.errors import StatusListError
from trust.status_list import ENTRY_TYPE, LIST_CREDENTIAL_TYPE, LIST_LENGTH, LIST_TYPE, Bitstring


@dataclass(frozen=True)
class ListReading:
    """One entry's check: ``passed`` says whether the list could be trusted and read (None:
    not fetched); ``is_set`` the entry's bit when it was read."""

    name: str
    passed: bool | None
    detail: str
    purpose: str
    is_set: bool | None = None


def status_entries(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The credential's ``BitstringStatusListEntry`` entries (an object or a list of them)."""
    status = credential.get("credentialStatus")
    items = status if isinstance(status, list) else [status]
    return [i for i in items if isinstance(i, Mapping) and i.get("type") == ENTRY_TYPE]


def list_urls(credential: Mapping[str, Any]) -> list[str]:
    """The status list credentials a verifier has to fetch, once each."""
    urls = [str(e.get("statusListCredential")) for e in status_entries(credential)]
    return list(dict.fromkeys(urls))


def read_status_lists(
    credential: Mapping[str, Any],
    issuer_id: str,
    keys: Mapping[str, Ed25519PublicKey],
    lists: Mapping[str, Any] | None,
    now: datetime | None = None,
) -> list[ListReading]:
    """A reading per entry, against the fetched ``lists`` (None: nothing was fetched)."""
    moment = now or datetime.now(UTC)
    readings = []
    for entry in status_entries(credential):
        purpose = str(entry.get("statusPurpose"))
        name = f"status_list[{purpose}]"
        url = str(entry.get("statusListCredential"))
        if lists is None or url not in lists:
            readings.append(ListReading(name, None, f"not checked: fetch {url}", purpose))
            continue
        try:
            index = _index(entry)
            bits = _trusted_bits(lists[url], url, purpose, issuer_id, keys, moment)
            if index >= len(bits):
                raise _RefusedError(f"index {index} is beyond the list's {len(bits)} entries")
        except _RefusedError as refused:
            readings.append(ListReading(name, False, f"{url} refused: {refused}", purpose))
            continue
        is_set = bits.get(index)
        readings.append(
            ListReading(
                name,
                True,
                f"the issuer's signed list says {purpose}: {'set' if is_set else 'not set'}"
                f" (entry {index})",
                purpose,
                is_set,
            )
        )
    return readings


def combined_status(
    asked: tuple[str, str | None] | None, readings: list[ListReading]
) -> tuple[str | None, str | None]:
    """The status and its reason from the ledger's answer (``asked``: status, reason; None if
    not asked) and the list readings: a set revocation bit says revoked whatever else; then the
    ledger's answer (which alone knows superseded); or ``valid`` when only lists were read
    and none is set."""
    if any(r.is_set for r in readings if r.purpose == "revocation"):
        if asked is not None and asked[0] == "revoked":
            return asked
        return "revoked", "revoked in the issuer's status list"
    if asked is not None:
        return asked
    if readings and all(r.passed for r in readings) and not any(r.is_set for r in readings):
        return "valid", None
    return None, None


class _RefusedError(Exception):
    pass


def _index(entry: Mapping[str, Any]) -> int:
    text = entry.get("statusListIndex")
    if not isinstance(text, str) or not text.isdigit() or not text.isascii():
        raise _RefusedError("statusListIndex is not a decimal string")
    return int(text)


def _trusted_bits(
    document: object,
    url: str,
    purpose: str,
    issuer_id: str,
    keys: Mapping[str, Ed25519PublicKey],
    now: datetime,
) -> Bitstring:
    if not isinstance(document, Mapping):
        raise _RefusedError("not a JSON object")
    if LIST_CREDENTIAL_TYPE not in (document.get("type") or []):
        raise _RefusedError(f"not a {LIST_CREDENTIAL_TYPE}")
    if document.get("id", url) != url:
        raise _RefusedError("its id is another list's")
    issuer = document.get("issuer")
    if (issuer.get("id") if isinstance(issuer, Mapping) else issuer) != issuer_id:
        raise _RefusedError("issued by someone other than the credential's issuer")
    _check_signature(dict(document), issuer_id, keys)
    _check_validity(document, now)
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != LIST_TYPE:
        raise _RefusedError(f"its subject is not a {LIST_TYPE}")
    purposes = subject.get("statusPurpose")
    if purpose not in (purposes if isinstance(purposes, list) else [purposes]):
        raise _RefusedError(f"a list for {purposes!r}, not {purpose!r}")
    try:
        bits = Bitstring.decode(subject.get("encodedList"))  # type: ignore[arg-type]
    except StatusListError as error:
        raise _RefusedError(error.message) from None
    if len(bits) < LIST_LENGTH:
        raise _RefusedError(f"shorter than {LIST_LENGTH} entries")
    return bits


def _check_signature(
    document: dict[str, Any], issuer_id: str, keys: Mapping[str, Ed25519PublicKey]
) -> None:
    """At least one ``eddsa-jcs-2022`` proof by a key of the issuer verifies; any other proof
    in a proof set is left to the verifiers of its suite."""
    for proof in _proofs(document.get("proof")):
        if proof.get("cryptosuite") != CRYPTOSUITE:
            continue
        method = proof.get("verificationMethod")
        key = keys.get(method) if isinstance(method, str) else None
        if key is None or not str(method).startswith(issuer_id + "#"):
            raise _RefusedError(f"signed with {method!r}, not a key the issuer publishes")
        if verify_document({**document, "proof": proof}, key, expected_verification_method=method):
            return
        raise _RefusedError("its signature does not verify")
    raise _RefusedError(f"it carries no {CRYPTOSUITE} proof")


def _proofs(proof: object) -> Iterable[Mapping[str, Any]]:
    items = proof if isinstance(proof, list) else [proof]
    return [item for item in items if isinstance(item, Mapping)]


def _check_validity(document: Mapping[str, Any], now: datetime) -> None:
    for member, starts in (("validFrom", True), ("validUntil", False)):
        value = document.get(member)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise _RefusedError(f"{member} is not a date-time") from None
        if moment.tzinfo is None or (moment > now if starts else moment <= now):
            raise _RefusedError(f"not valid now ({member} {value})")

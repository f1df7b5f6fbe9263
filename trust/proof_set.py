"""Checking a credential's proofs: one proof object or a proof set, each suite by name.

A certificate issued since issue 17 carries a proof set, an ``eddsa-jcs-2022`` proof and an
``eddsa-rdfc-2022`` proof, each over the document without proof; one issued before carries a
single ``eddsa-jcs-2022`` proof object. Each proof is checked on its own and named by its suite
(``signature[eddsa-jcs-2022]``); a proof of a suite we do not know is reported as not checked.
The credential is authentic only if no proof fails and at least one passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trust import eddsa_jcs, eddsa_rdfc

CheckResult = tuple[str, bool | None, str]
"""A check's name, whether it passed (None: not checked here) and what it found."""


class _Result(Protocol):
    @property
    def verified(self) -> bool: ...

    @property
    def outcome(self) -> Any: ...


SUITES: Mapping[str, Callable[..., _Result]] = {
    eddsa_jcs.CRYPTOSUITE: eddsa_jcs.verify_document,
    eddsa_rdfc.CRYPTOSUITE: eddsa_rdfc.verify_document,
}


def proofs_of(credential: Mapping[str, Any]) -> list[object]:
    """The credential's proofs, whether one object or a set."""
    proof = credential.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def check_proofs(
    credential: Mapping[str, Any], issuer_id: str, keys: Mapping[str, Ed25519PublicKey]
) -> list[CheckResult]:
    """``issuer_key`` (every proof is by a key the issuer publishes), then one
    ``signature[<suite>]`` per proof; ``signature`` fails when no proof could pass."""
    proofs = proofs_of(credential)
    methods = [p.get("verificationMethod") if isinstance(p, Mapping) else None for p in proofs]
    issuer_member = credential.get("issuer")
    claimed = issuer_member.get("id") if isinstance(issuer_member, Mapping) else issuer_member
    strangers = [
        method
        for method in methods
        if not isinstance(method, str)
        or method not in keys
        or not method.startswith(issuer_id + "#")
    ]
    belongs = bool(proofs) and claimed == issuer_id and not strangers
    results: list[CheckResult] = [
        (
            "issuer_key",
            belongs,
            "the signing key is one the issuer publishes"
            if belongs
            else f"{(strangers or [None])[0]!r} is not a key of {issuer_id}",
        )
    ]
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    for proof in proofs:
        results.append(_check_one(unsecured, proof, keys))
    if not any(name.startswith("signature") and passed for name, passed, _ in results):
        results.append(("signature", False, "no proof that this verifier can check passes"))
    return results


def _check_one(
    unsecured: dict[str, Any], proof: object, keys: Mapping[str, Ed25519PublicKey]
) -> CheckResult:
    if not isinstance(proof, Mapping):
        return "signature", False, "a proof is not a JSON object"
    suite = proof.get("cryptosuite")
    name = f"signature[{suite}]"
    verify = SUITES.get(suite) if isinstance(suite, str) else None
    if verify is None:
        return name, None, "not checked: a cryptosuite this verifier does not know"
    method = proof.get("verificationMethod")
    key = keys.get(method) if isinstance(method, str) else None
    if key is None:
        return name, False, "no published key to check the signature with"
    result = verify({**unsecured, "proof": dict(proof)}, key, expected_verification_method=method)
    return name, result.verified, str(result.outcome.value)

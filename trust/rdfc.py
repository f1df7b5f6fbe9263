"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD, from bundled contexts only, in safe mode.

``canonize`` turns a JSON-LD document into its canonical N-Quads with ``pyld`` (whose
``URDNA2015`` is the algorithm W3C standardised as RDFC-1.0). Two rules make the result safe to
sign and to verify:

- **Nothing is fetched.** Contexts come from a ``BundledDocumentLoader``: by default the files
  in ``trust/contexts/`` (``CONTEXT_FILES``); any other URL is refused with
  ``UnknownContextError``, so a context cannot change under a signature, and a verifier needs
  no network.
- **Nothing is dropped.** Plain JSON-LD silently drops a property no context defines, and RDF
  drops a statement whose subject, type, property or object is a relative IRI, so a signature
  would not cover them. Here such a document has no canonical form: ``CanonicalizationError``
  names the term, as ``jsonld.js`` does in its safe mode.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from trust.errors import CanonicalizationError, UnknownContextError

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Context URL -> file in trust/contexts/ (their sources and hashes: trust/contexts/README.md).
CONTEXT_FILES: Mapping[str, str] = {
    VC_V2_CONTEXT: "credentials-v2.jsonld",
    OB_V3_CONTEXT: "ob-3.0.3.json",
}

_NQUADS = "application/n-quads"
# What pyld takes for an absolute IRI (a scheme, or ``_`` for a blank node, then ``:``);
# it leaves every other IRI out of the RDF.
_ABSOLUTE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*|_):\S*")


class _UndefinedTermError(Exception):
    """Raised from inside pyld's expansion, then turned into a CanonicalizationError."""

    def __init__(self, term: str | None) -> None:
        super().__init__(term)
        self.term = term


@cache
def _bundled_text(file_name: str) -> str:
    return resources.files("trust").joinpath("contexts", file_name).read_text(encoding="utf-8")


def bundled_contexts() -> dict[str, dict[str, Any]]:
    """The bundled context documents by URL, freshly parsed (the caller may change them)."""
    return {url: json.loads(_bundled_text(name)) for url, name in CONTEXT_FILES.items()}


class BundledDocumentLoader:
    """A pyld document loader that serves a fixed set of contexts and refuses every other URL.

    With no argument it serves ``bundled_contexts()``; ``extra`` adds documents (tests add the
    specification's example context this way). Each call returns a copy, so nothing pyld does to
    a document can change what the next call serves.
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._documents: dict[str, Any] = {**bundled_contexts(), **copy.deepcopy(dict(extra or {}))}
        # pyld caches resolved contexts by URL; a private cache keeps another loader's copy of a
        # URL (in the same process) out of ours.
        self._resolved: dict[str, Any] = {}

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if url not in self._documents:
            raise UnknownContextError(
                f"JSON-LD context {url!r} is not bundled; contexts are never fetched", url=url
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(self._documents[url]),
        }

    def pyld_options(self) -> dict[str, Any]:
        """The options that make pyld load contexts through this loader and nothing else."""
        return {
            "documentLoader": self,
            "contextResolver": ContextResolver(self._resolved, self),
        }


@cache
def _default_loader() -> BundledDocumentLoader:
    return BundledDocumentLoader()


def canonize(
    document: Mapping[str, Any], *, document_loader: BundledDocumentLoader | None = None
) -> bytes:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, UTF-8 encoded.

    Raises ``UnknownContextError`` for a context that is not served, and
    ``CanonicalizationError`` for anything else that has no safe canonical form.
    """
    if not isinstance(document, Mapping):
        raise CanonicalizationError("a JSON-LD document to canonicalise must be a JSON object")
    loader = document_loader or _default_loader()
    expanded = _expand_safely(document, loader)
    _refuse_relative_iris(expanded)
    try:
        nquads = jsonld.normalize(
            expanded,
            {"algorithm": "URDNA2015", "format": _NQUADS, "base": None, **loader.pyld_options()},
        )
    except Exception as exc:
        raise CanonicalizationError(f"no RDF canonical form: {_reason(exc)}") from exc
    if not isinstance(nquads, str):
        raise CanonicalizationError("no RDF canonical form: pyld returned no N-Quads")
    return nquads.encode("utf-8")


def _expand_safely(document: Mapping[str, Any], loader: BundledDocumentLoader) -> Any:
    def refuse(term: str | None) -> None:
        raise _UndefinedTermError(term)

    options = {"base": None, **loader.pyld_options()}
    try:
        return jsonld.expand(copy.deepcopy(dict(document)), options, on_property_dropped=refuse)
    except _UndefinedTermError as exc:
        raise _undefined(exc.term) from exc
    except Exception as exc:  # pyld reads untrusted input: any failure means "no safe form"
        for cause in _causes(exc):
            if isinstance(cause, UnknownContextError):
                raise UnknownContextError(cause.message, **cause.context) from exc
            if isinstance(cause, _UndefinedTermError):
                raise _undefined(cause.term) from exc
        raise CanonicalizationError(f"not valid JSON-LD: {_reason(exc)}") from exc


def _undefined(term: str | None) -> CanonicalizationError:
    return CanonicalizationError(
        f"term {term!r} is not defined by any context (safe mode drops nothing)", term=term
    )


def _refuse_relative_iris(expanded: Any) -> None:
    for role, iri in _iris(expanded):
        if _ABSOLUTE_IRI.fullmatch(iri) is None:
            raise CanonicalizationError(
                f"{role} {iri!r} is not an absolute IRI: no context defines it "
                "(safe mode drops nothing)",
                term=iri,
            )


def _iris(node: Any) -> Iterator[tuple[str, str]]:
    """Every node id, type and datatype in an expanded document, each with what it names."""
    if isinstance(node, list):
        for item in node:
            yield from _iris(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        if isinstance(datatype, str) and datatype != "@json":
            yield "datatype", datatype
        return
    if isinstance(node.get("@id"), str):
        yield "id", node["@id"]
    for type_iri in node.get("@type", []):
        yield "type", type_iri
    for key, value in node.items():
        if key not in ("@id", "@type"):
            yield from _iris(value)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        yield cause
        cause = cause.__cause__ or cause.__context__


def _reason(exc: BaseException) -> str:
    messages = [str(exc.args[0]) if exc.args else type(exc).__name__]
    messages += [
        str(cause.args[0]) for cause in _causes(exc) if isinstance(cause, Exception) and cause.args
    ]
    return "; ".join(messages)

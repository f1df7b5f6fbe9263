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
from pyld.canon import URDNA2015  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from trust.errors import CanonicalizationError, TrustError, UnknownContextError
from trust.ob3 import LEDGER_CONTEXT, LEDGER_CONTEXT_FILE

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Context URL -> file in trust/contexts/ (their sources and hashes: trust/contexts/README.md).
CONTEXT_FILES: Mapping[str, str] = {
    VC_V2_CONTEXT: "credentials-v2.jsonld",
    OB_V3_CONTEXT: "ob-3.0.3.json",
    LEDGER_CONTEXT: LEDGER_CONTEXT_FILE,
}

_NQUADS = "application/n-quads"
# What pyld takes for an absolute IRI (a scheme, or ``_`` for a blank node, then ``:``);
# it leaves every other IRI out of the RDF.
_ABSOLUTE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*|_):\S*")
# Characters that RDFC-1.0's canonical N-Quads escape (as rdf-canonize does) but pyld 3 writes
# as they are; a document holding one is refused rather than given a non-portable form.
_UNPORTABLE_LITERAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNPORTABLE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# A language tag as jsonld.js accepts it in safe mode (BCP 47 in shape); pyld writes any string.
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


# RDFC-1.0 is exponential on "poison" graphs of indistinguishable blank nodes (a clique of eight
# in a few hundred bytes takes pyld minutes), and a verifier canonicalises what anyone sends. As
# rdf-canonize does, the deep steps are bounded: the N-degree hash may run a few times per blank
# node, and no blank node may have more than a handful of indistinguishable neighbours, whose
# every order would be tried. Honest documents stay far below both.
MAX_DEEP_ITERATIONS_BASE = 64
MAX_DEEP_ITERATIONS_PER_BLANK_NODE = 4
MAX_INDISTINGUISHABLE_NEIGHBOURS = 6


class _BoundedRdfc10(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015 (RDFC-1.0 with SHA-256), refusing work beyond the bounds above."""

    def __init__(self) -> None:
        super().__init__()
        self._deep_iterations = 0

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._deep_iterations += 1
        budget = MAX_DEEP_ITERATIONS_BASE + MAX_DEEP_ITERATIONS_PER_BLANK_NODE * len(
            self.blank_node_info
        )
        if self._deep_iterations > budget:
            raise CanonicalizationError(
                f"canonicalisation stopped after {budget} deep steps: too many "
                "indistinguishable blank nodes (a poison graph)",
                budget=budget,
            )
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        if any(len(nodes) > MAX_INDISTINGUISHABLE_NEIGHBOURS for nodes in related.values()):
            raise CanonicalizationError(
                f"a blank node has more than {MAX_INDISTINGUISHABLE_NEIGHBOURS} "
                "indistinguishable neighbours (a poison graph)"
            )
        return related


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
        replaced = sorted(set(extra or {}) & set(CONTEXT_FILES))
        if replaced:
            raise TrustError(f"a bundled context cannot be replaced: {', '.join(replaced)}")
        self._documents: dict[str, Any] = {**bundled_contexts(), **copy.deepcopy(dict(extra or {}))}

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
        """The options that make pyld load contexts through this loader and nothing else.

        pyld's own resolved-context cache is process-wide, keyed by URL and shared by every
        loader, and grows with each inline context it sees; each call here gets a fresh one, so
        no other loader's document, and nothing from an earlier (untrusted) input, is reused.
        """
        return {"documentLoader": self, "contextResolver": ContextResolver({}, self)}


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
    _refuse_what_rdf_would_lose(expanded)
    try:
        dataset = jsonld.to_rdf(expanded, {"base": None, **loader.pyld_options()})
        nquads = _BoundedRdfc10().main(dataset, {"format": _NQUADS})
    except CanonicalizationError:
        raise
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


def _refuse_what_rdf_would_lose(expanded: Any) -> None:
    for role, text in _terms(expanded):
        if role == "language":
            if _LANGUAGE_TAG.fullmatch(text) is None:
                raise CanonicalizationError(f"{text!r} is not a language tag", term=text)
        elif role == "literal":
            if _UNPORTABLE_LITERAL.search(text):
                raise CanonicalizationError(
                    f"literal {text!r} holds a control character that pyld and RDFC-1.0 "
                    "escape differently: its canonical form would not be portable",
                    term=text,
                )
        elif _ABSOLUTE_IRI.fullmatch(text) is None:
            raise CanonicalizationError(
                f"{role} {text!r} is not an absolute IRI: no context defines it "
                "(safe mode drops nothing)",
                term=text,
            )
        elif _UNPORTABLE_IRI.search(text):
            raise CanonicalizationError(
                f"{role} {text!r} holds a character that RDFC-1.0 escapes and pyld does not",
                term=text,
            )


def _terms(node: Any) -> Iterator[tuple[str, str]]:
    """Every IRI (id, type, property, datatype), string literal and language tag, by role."""
    if isinstance(node, list):
        for item in node:
            yield from _terms(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype, value = node.get("@type"), node["@value"]
        if datatype == "@json":
            return
        if isinstance(datatype, str):
            yield "datatype", datatype
        if isinstance(value, str):
            yield "literal", value
        if isinstance(node.get("@language"), str):
            yield "language", node["@language"]
        return
    if isinstance(node.get("@id"), str):
        yield "id", node["@id"]
    for type_iri in node.get("@type", []):
        yield "type", type_iri
    for key, value in node.items():
        if not key.startswith("@"):
            yield "property", key
        if key not in ("@id", "@type"):
            yield from _terms(value)


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

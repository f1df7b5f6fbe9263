"""The Idempotency-Key header: a retried POST is carried out once, and answered as the first was.

Two layers keep that promise:

- **In the ledger's own atomic save.** The request runs inside ``keyed_request``, so every
  command it runs is saved together with a receipt derived from the key. A retry, after a
  time-out or after the service was killed at any instant, finds the receipt exactly when the
  command's events exist, and gets the recorded result instead of a second run; copies of the
  request running at once collide on the receipt and only one is stored. Nothing is ever "in
  flight" for a process that died.
- **A response cache.** The first complete answer below 500 is remembered (before it is sent)
  and replayed byte for byte to a retry. An answer that was never remembered (the process died
  first) is made again by running the request: its commands return their recorded results.

Keys are scoped by a hash of the Authorization header, the method and the path, so one client can
never replay another's response; the request's fingerprint is a hash of its query and body.
Responses marked ``Cache-Control: no-store`` (those carrying a credential) are never kept.

``stores`` keeps the answers (the protocol, SQLite and PostgreSQL); ``middleware`` is the HTTP side.
"""

from api.idempotency.middleware import IdempotencyMiddleware
from api.idempotency.stores import (
    IdempotencyStore,
    InMemoryIdempotencyStore,
    Remembered,
    SQLiteIdempotencyStore,
    StoredResponse,
    idempotency_store_for,
)

__all__ = [
    "IdempotencyMiddleware",
    "IdempotencyStore",
    "InMemoryIdempotencyStore",
    "Remembered",
    "SQLiteIdempotencyStore",
    "StoredResponse",
    "idempotency_store_for",
]

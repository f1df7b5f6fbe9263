"""Who a token's account is now, without replaying the account's events on every request.

Each request reads only the version of the account's latest event (one indexed row); the
account itself is loaded again only when that version has moved on. So a password change, a
disable or a log-out made through any API worker is seen by every worker on the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from uuid import UUID

from api.access import Principal
from domain.ledger import Ledger


@dataclass(frozen=True)
class AccountState:
    """What a request needs of an account, as of one version of it."""

    version: int
    principal: Principal
    security_epoch: int
    is_disabled: bool


class PrincipalCache:
    """The latest known state of recently seen accounts, at most ``max_accounts`` of them."""

    def __init__(self, ledger: Ledger, max_accounts: int = 10_000) -> None:
        self._ledger = ledger
        self._max = max_accounts
        self._lock = threading.Lock()
        self._states: OrderedDict[UUID, AccountState] = OrderedDict()

    def current(self, account_id: UUID) -> AccountState | None:
        """The account as its latest event left it; None if there is no such account."""
        version = self._ledger.account_version(account_id)
        if version is None:
            return None
        with self._lock:
            known = self._states.get(account_id)
            if known is not None and known.version == version:
                self._states.move_to_end(account_id)
                return known
        account = self._ledger.account(account_id)
        state = AccountState(
            version=account.version,
            principal=Principal.of(account),
            security_epoch=account.security_epoch,
            is_disabled=account.is_disabled,
        )
        with self._lock:
            known = self._states.get(account_id)
            if known is None or known.version <= state.version:
                self._states[account_id] = state
                self._states.move_to_end(account_id)
            while len(self._states) > self._max:
                self._states.popitem(last=False)
        return state

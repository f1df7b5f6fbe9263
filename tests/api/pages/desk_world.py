"""What the desk's tests share: the volunteer signed up, and the clock moved into the shift."""

from __future__ import annotations

import re
from datetime import timedelta

from api.pages.check_codes import KEY_PURPOSE, code_for


def sign_up(api, world, token: str = "volunteer") -> None:
    answer = api.client.post(
        f"/v1/shifts/{world.shift}/signups", headers=world.tokens[token], json={}
    )
    assert answer.status_code == 201, answer.text


def into_the_shift(api, world, minutes: int = 5) -> None:
    """Move the clock to ``minutes`` after the shift's start."""
    api.clock.set(api.services.ledger.shift(world.shift).starts_at + timedelta(minutes=minutes))


def current_code(api, shift) -> str:
    return code_for(api.services.tokens.derived_key(KEY_PURPOSE), shift, api.clock.now)


def state_of(html: str, volunteer) -> str:
    """The attendance state the roster page shows for the volunteer."""
    found = re.search(rf'data-volunteer-id="{volunteer}" data-state="([a-z_]+)"', html)
    assert found is not None, "the volunteer is not on the roster page"
    return found.group(1)

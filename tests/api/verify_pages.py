"""Reading the certificate check page in tests: its verdict word, its typed number."""

from __future__ import annotations

import re

_VERDICT = re.compile(r'<p class="verdict-word" id="verdict">([^<]*)</p>')
_TYPED = re.compile(r'<strong class="typed">([^<]*)</strong>')


def verdict_word(html: str) -> str:
    """The verdict in one word, as the page shows it big (有效, 已撤销 …)."""
    found = _VERDICT.search(html)
    assert found is not None, html
    return found.group(1)


def typed_number(html: str) -> str:
    """What the not-found page echoes of the number typed (as it stands in the HTML)."""
    found = _TYPED.search(html)
    assert found is not None, html
    return found.group(1)

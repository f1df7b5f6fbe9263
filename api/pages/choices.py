"""What pages offer to choose from: organisations in tree order, categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.deps import Services
from projections.directory.tree import organisation_tree


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def organisation_choices(services: Services, *, include_closed: bool = False) -> list[Choice]:
    """Every organisation, a parent before its children, the depth shown by indentation
    (a select's options cannot nest deeper than one group)."""
    choices: list[Choice] = []

    def walk(nodes: list[dict[str, Any]], depth: int) -> None:
        for node in nodes:
            if include_closed or not node["closed"]:
                choices.append(Choice(str(node["id"]), "\u3000" * depth + str(node["name"])))
            walk(node["children"], depth + 1)

    walk(organisation_tree(services.views), 0)
    return choices


def category_choices(services: Services) -> list[Choice]:
    """The service categories of this ledger's policy, by their own names."""
    return [Choice(name, name) for name in services.ledger.policy.categories]

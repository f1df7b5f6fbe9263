"""The organisation tree as the directory holds it: the whole of it, or one subtree."""

from __future__ import annotations

from typing import Any

from projections.stores.protocol import ViewStore

NODE_COLUMNS = ("id", "name", "kind", "parent_id", "timezone", "closed")

#: The organisation ``?`` and every one below it: ``subtree(id)``, for a query to join.
SUBTREE = (
    "WITH RECURSIVE subtree(id) AS (SELECT id FROM dir_organisations WHERE id = ? "
    "UNION ALL SELECT o.id FROM dir_organisations o JOIN subtree t ON o.parent_id = t.id) "
)


def organisation_tree(views: ViewStore, root: str | None = None) -> list[dict[str, Any]]:
    """The organisations as nested nodes (each with ``children``, by name then id): every top
    organisation, or only ``root`` with what is below it (nothing if the directory lacks it)."""
    columns = ", ".join(f"o.{column}" for column in NODE_COLUMNS)
    if root is None:
        rows = views.query(f"SELECT {columns} FROM dir_organisations o")
    else:
        rows = views.query(
            f"{SUBTREE}SELECT {columns} FROM dir_organisations o JOIN subtree t ON t.id = o.id",
            (root,),
        )
    nodes = {row[0]: dict(zip(NODE_COLUMNS, row, strict=True)) for row in rows}
    tops = []
    for node in sorted(nodes.values(), key=lambda n: (n["name"], n["id"])):
        node["closed"] = bool(node["closed"])
        node.setdefault("children", [])
        parent = nodes.get(node["parent_id"])
        if node["id"] == root or parent is None:
            tops.append(node)
        else:
            parent.setdefault("children", []).append(node)
    return tops

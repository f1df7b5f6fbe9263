"""One router per resource; every module here with a ``router`` is served."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    routers = []
    for module in sorted(pkgutil.iter_modules(__path__, __name__ + "."), key=lambda m: m.name):
        router = getattr(importlib.import_module(module.name), "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers

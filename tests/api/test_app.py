"""The app factory serves every router in api/routes: a new one cannot be forgotten."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi import APIRouter

import api.routes
from api.app import ROUTERS

ROUTE_MODULES = sorted(
    module.name for module in pkgutil.iter_modules(api.routes.__path__, "api.routes.")
)


@pytest.mark.parametrize("name", ROUTE_MODULES)
def test_every_route_module_has_its_router_served(name):
    router = getattr(importlib.import_module(name), "router", None)
    assert isinstance(router, APIRouter)
    assert router in ROUTERS


def test_each_router_is_served_once():
    assert len(set(map(id, ROUTERS))) == len(ROUTERS)

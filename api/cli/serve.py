"""``volunteer-ledger serve``: the HTTP API under uvicorn, after checking its store is reachable."""

from __future__ import annotations

import argparse
import os
from typing import Any

from api.cli.admin import print_demo
from api.cli.database import connect, is_postgres
from api.cli.errors import CliError
from api.demo import DemoRefusedError, load_demo
from api.settings import Settings, served_url

#: How long a worker of ``--workers`` may take to answer uvicorn's health check before it is
#: killed and started again. Uvicorn's 5 seconds is less than a worker takes to import and
#: open its stores on a busy machine (24 s measured on two cores at a load of 13): it killed
#: every worker before it could start, over and over.
WORKER_START_SECONDS = 60


def add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="more than 1 needs PostgreSQL")
    serve.add_argument("--demo", action="store_true", help="load the demo data into an empty store")


def run_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    store = settings.store_url()
    if args.workers > 1 and not store.startswith(("postgresql:", "postgres:")):
        raise CliError("--workers above 1 needs PostgreSQL: set VOLUNTEER_LEDGER_STORE")
    _require_reachable(store)
    explicit_url = "public_url" in settings.model_fields_set
    public_url = settings.public_url if explicit_url else served_url(args.host, args.port)
    if args.demo:
        try:
            print_demo(load_demo(settings, progress=print), public_url)
        except DemoRefusedError:
            print("the store already holds data; serving it without loading the demo")
    if not explicit_url:  # the workers' Settings() read this
        os.environ["VOLUNTEER_LEDGER_PUBLIC_URL"] = public_url
    if settings.metrics and args.workers > 1:  # the workers add up their metrics in files
        from api.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(settings.data_dir / "metrics")
    print(f"serving {store}: pages at http://{args.host}:{args.port}/, API at /docs")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_worker_healthcheck=WORKER_START_SECONDS,
        **uvicorn_options(settings),
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Believe X-Forwarded-For only from the configured proxies. Uvicorn's own default
    believes any local client, which could then pose as any address and escape the limit on
    failed logins per address."""
    trusted = settings.trusted_proxies
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def _require_reachable(store: str) -> None:
    """A PostgreSQL store that cannot be reached stops ``serve`` at once with one line.

    (Once serving, the service outlives the database going away: it answers 503 meanwhile.)
    """
    if is_postgres(store):
        connect(store, autocommit=True).close()

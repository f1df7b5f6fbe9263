"""``volunteer-ledger migrate --to postgresql://…``: move a SQLite ledger into PostgreSQL.

Four steps, the second all or nothing (``api.migration``):

1. open the target with this data folder's keys: its tables are made, empty;
2. copy the events (same positions), snapshots, vault tables and transparency log, in one
   transaction, refusing a target that already holds any; then open the log there, which
   checks that the data folder's log keys are the ones it was built with;
3. rebuild every read model on the target by replay;
4. bring the transparency log up to the last event and sign a checkpoint of it if it grew
   (as ``serve`` does when it starts): the copied checkpoints stay, the new one extends them.

Interrupted in step 2, the target is left without data: run it again. Interrupted later, the
data is all there and ``projections run`` (or ``serve``) finishes the read models; or empty the
target (docs/operations.md) and run it again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TextIO

from api.cli.database import connect, is_postgres, where
from api.cli.errors import CliError
from api.cli.log import ProgressBar
from api.cli.projections import RebuildProgress
from api.migration import (
    Copied,
    MigrationError,
    SQLiteSource,
    copy_ledger,
    create_log_tables,
    refuse_unless_empty,
)
from api.personal_data import ledger_for
from api.settings import Settings
from api.transparency import open_transparency_log
from domain.errors import LedgerError
from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for
from projections.transparency.records import TransparencyLogError


def add_migrate_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = commands.add_parser(
        "migrate",
        help="move this SQLite ledger into an empty PostgreSQL database",
        description="Copy every event (at its position), the keys of personal data and the "
        "transparency log into an empty PostgreSQL database, then rebuild the read models "
        "there. The data folder's key files stay the ledger's: keep them with it.",
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://USER@HOST/DB")
    migrate.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on standard error (auto: when it is a terminal)",
    )


def run_migrate(settings: Settings, args: argparse.Namespace, err: TextIO | None = None) -> int:
    err = err or sys.stderr
    target_url: str = args.to
    if not is_postgres(target_url):
        raise CliError("migrate --to needs a postgresql:// URL")
    location = where(target_url)
    try:
        source = SQLiteSource.of(settings.store_url())
        copied = _migrate(settings, source, target_url, args.progress, err)
    except (CliError, LedgerError):
        raise
    except (MigrationError, TransparencyLogError) as error:
        raise CliError(str(error)) from None
    except Exception as error:  # a lost connection, a full disk …: one line, the rest rolled back
        lines = str(error).strip().splitlines()
        raise CliError(
            f"migrate to {location} failed: {lines[0] if lines else type(error).__name__}"
        ) from error
    print(
        f"migrated {copied.events:,} events (positions up to {copied.head:,}), "
        f"{copied.keys:,} data keys, {copied.leaves:,} log leaves and "
        f"{copied.checkpoints:,} signed checkpoints to {location}; read models rebuilt"
    )
    return 0


def _migrate(
    settings: Settings, source: SQLiteSource, target_url: str, progress: str, err: TextIO
) -> Copied:
    enabled = progress == "always" or (progress == "auto" and err.isatty())
    events_table = f"{Ledger.name.lower()}_events"
    with connect(target_url) as target, ExitStack() as opened:  # checked before anything is made
        refuse_unless_empty(target, events_table)
        target.rollback()
        origin = ledger_for(settings)  # refuses key files that are not the ledger's
        opened.callback(origin.close)
        ledger = ledger_for(settings, store=target_url)
        opened.callback(ledger.close)
        views = view_store_for(target_url)
        opened.callback(views.close)
        create_log_tables(views)
        print("migrate: copying the events, keys and transparency log", file=err)
        with _bar(err, enabled) as bar:
            copied = copy_ledger(source, target, _tables(origin, ledger), on_progress=bar.update)
        log = open_transparency_log(settings, ledger, views)  # checks the log's keys
        print("migrate: rebuilding the read models", file=err)
        runner = ProjectionRunner(ledger, views, all_projections())
        if progress == "never":
            runner.catch_up()
        else:
            display = RebuildProgress([p.name for p in runner.projections], copied.head, err)
            runner.catch_up(on_batch=display.batch)
            display.finish()
        print("migrate: bringing the transparency log up to the last event, signing it", file=err)
        with _bar(err, enabled) as bar:
            log.catch_up(on_batch=lambda _, position: bar.update(position, position, copied.head))
        log.sign_checkpoint_if_grown()
    return copied


@contextmanager
def _bar(err: TextIO, enabled: bool) -> Iterator[ProgressBar]:
    bar = ProgressBar(err, enabled)
    try:
        yield bar
    finally:
        bar.finish()


def _tables(origin: Ledger, target: Ledger) -> dict[str, str]:
    def names(ledger: Ledger) -> tuple[str, str]:
        recorder: Any = ledger.recorder
        snapshots: Any = ledger.snapshots.recorder if ledger.snapshots else None
        return recorder.events_table_name, snapshots.events_table_name if snapshots else ""

    source_events, source_snapshots = names(origin)
    target_events, target_snapshots = names(target)
    return {
        "source_events": source_events,
        "source_snapshots": source_snapshots,
        "target_events": target_events.split(".")[-1],
        "target_snapshots": target_snapshots.split(".")[-1],
    }

"""The SQLite read-model store's readers: a bounded pool shared by threads that come and go."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from projections.stores.sqlite import SQLiteViewStore


def files_open_on(path: Path) -> int:
    """How many of this process's file descriptors point at the file itself (not its WAL)."""
    target = str(path.resolve())
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        # One may be closed since listed (the listing's own descriptor, for one).
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == target
    return count


def in_threads(count: int, work, *, together: bool) -> list:
    """Run ``work`` in ``count`` new threads, all at once (meeting at a barrier first) or one
    after another, each ended before the next starts; return what each returned."""
    answers: list = [None] * count
    barrier = threading.Barrier(count if together else 1)

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = work()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    if together:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for thread in threads:
            thread.start()
            thread.join()
    return answers


@pytest.fixture
def views_file(tmp_path):
    return tmp_path / "ledger-views.db"


@pytest.fixture
def views(views_file):
    store = SQLiteViewStore(str(views_file), readers=3)
    with store.transaction() as tx:
        tx.execute("CREATE TABLE streets (name TEXT)")
        tx.execute("INSERT INTO streets VALUES ('东华门街道')")
    yield store
    store.close()


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


def test_threads_that_come_and_go_open_no_more_files_than_the_readers_and_the_writer(
    views, views_file
):
    def read():
        return views.query("SELECT name FROM streets")

    answers = in_threads(12, read, together=True) + in_threads(30, read, together=False)

    assert answers == [[("东华门街道",)]] * 42
    assert files_open_on(views_file) <= 3 + 1  # no garbage collection asked for


def test_more_reads_at_once_than_connections_each_wait_their_turn(views_file):
    store = SQLiteViewStore(str(views_file), readers=1)
    answers = in_threads(8, lambda: store.query("SELECT 6 * 7"), together=True)
    store.close()
    assert answers == [[(42,)]] * 8


def test_a_read_sees_the_last_commit_while_a_batch_is_being_written(views):
    writing, read = threading.Event(), threading.Event()

    def write() -> None:
        with views.batch() as tx:
            tx.execute("INSERT INTO streets VALUES ('景山街道')")
            writing.set()
            read.wait()

    writer = threading.Thread(target=write)
    writer.start()
    writing.wait()
    during = views.query("SELECT name FROM streets ORDER BY name")
    read.set()
    writer.join()
    assert during == [("东华门街道",)]
    assert len(views.query("SELECT name FROM streets")) == 2


def test_a_failed_read_leaves_its_connection_fit_for_the_next(views_file):
    store = SQLiteViewStore(str(views_file), readers=1)
    with pytest.raises(sqlite3.OperationalError):
        store.query("SELECT name FROM no_such_table")
    assert store.query("SELECT 1") == [(1,)]
    store.close()


def test_closing_the_store_closes_every_connection_opened_by_any_thread(views, views_file):
    in_threads(6, lambda: views.query("SELECT name FROM streets"), together=True)
    views.close()
    assert files_open_on(views_file) == 0

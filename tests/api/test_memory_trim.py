"""A worker gives the memory it freed back to the system while it runs, and stops on shutdown."""

from __future__ import annotations

import platform
import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.memory_trim import MemoryTrimmer, malloc_trim
from api.settings import Settings


def _trimming_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "memory-trim"]


def test_the_trimmer_trims_on_its_interval_until_stopped():
    trims: list[int] = []
    thrice = threading.Event()

    def trim() -> None:
        trims.append(1)
        if len(trims) == 3:
            thrice.set()

    trimmer = MemoryTrimmer(trim, interval=0.01)
    trimmer.start()
    assert thrice.wait(timeout=30)
    trimmer.stop()
    done = len(trims)

    assert done >= 3
    assert not _trimming_threads()
    assert len(trims) == done


def test_a_trim_that_fails_ends_the_trimmer_and_nothing_else():
    def trim() -> None:
        raise OSError("no")

    trimmer = MemoryTrimmer(trim, interval=0.01)
    trimmer.start()
    trimmer._thread.join(timeout=30)

    assert not trimmer._thread.is_alive()
    trimmer.stop()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_gives_freed_memory_back_through_malloc_trim():
    trim = malloc_trim()

    assert trim is not None
    assert trim() in (0, 1)  # 1: some memory was given back


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_the_app_trims_while_it_runs_and_stops_trimming_on_shutdown(tmp_path):
    settings = Settings(data_dir=tmp_path, follow_projections=False)

    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert len(_trimming_threads()) == 1

    assert not _trimming_threads()

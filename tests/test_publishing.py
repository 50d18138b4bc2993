"""Issue 11, publishing: one publisher at a time, readers hold their generation, a killed build harms nothing,
and a broken index folder, pointer or embedding cache is one clear line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from indexer.generation import IndexNotFound, Publisher, PublishError, published_generation
from tests.cli_helpers import OTHER, REPORT, SENTENCE, build, corpus, indexer, one_error_line, search
from tests.conftest import CACHE, PYTHON, ROOT

# 6. One publisher at a time; readers hold their generation


@pytest.mark.slow
def test_a_second_indexer_is_refused_or_waits_while_one_publishes(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    index = tmp_path / "index"
    with Publisher(index):
        refused = build(folder, index)
        assert one_error_line(refused) == f"error: another indexer (pid {os.getpid()}) is publishing to {index}"
        log = tmp_path / "waiting.log"
        with open(log, "w") as output:
            waiting = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "indexer",
                    str(folder),
                    "--index",
                    str(index),
                    "--cache",
                    str(CACHE),
                    "--quiet",
                    "--wait",
                ],
                cwd=ROOT,
                stdout=output,
                stderr=output,
            )
        deadline = time.monotonic() + 120
        while "waiting for another indexer" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"waiting for another indexer (pid {os.getpid()}) to finish publishing to {index}" in log.read_text()
        assert waiting.poll() is None
    assert waiting.wait(timeout=300) == 0, log.read_text()
    assert "indexed 1 documents" in log.read_text()


def test_leftovers_of_killed_builds_go_only_under_the_lock(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    (index / ".building-20240101-000000-dead").mkdir()
    (index / ".removing-20240101-000000-old").mkdir()
    (index / ".CURRENT-0123456789abcdef").write_text("draft\n", encoding="utf-8")
    with Publisher(index) as publisher:
        assert sorted(p.name for p in index.iterdir()) == [".lock"]
        live = publisher.start_generation()
        with pytest.raises(PublishError, match="another indexer"), Publisher(index):
            pass
        assert live.is_dir()  # a refused publisher touched nothing
    assert not live.exists()  # started, never published: removed on leaving


def test_a_held_generation_survives_later_publishes_and_unheld_old_ones_are_pruned(tmp_path):
    index = tmp_path / "index"

    def publish(n: int) -> str:
        with Publisher(index) as publisher:
            building = publisher.start_generation()
            (building / "paragraphs.jsonl").write_text(json.dumps({"n": n}) + "\n", encoding="utf-8")
            return publisher.publish(building, {"n": n}).name

    first = publish(1)
    old = published_generation(index)
    held = old.hold()
    second, third = publish(2), publish(3)
    assert (index / first / "paragraphs.jsonl").is_file()  # held: kept, though two publishes old
    assert {p.name for p in index.iterdir() if not p.name.startswith(".")} == {first, second, third, "CURRENT"}
    fourth = publish(4)
    assert not (index / second).exists()  # not held, older than the previous one: pruned
    assert (index / first).is_dir() and (index / third).is_dir() and published_generation(index).name == fourth
    held.close()
    fifth = publish(5)
    assert {p.name for p in index.iterdir()} == {fourth, fifth, "CURRENT", ".lock"}  # no drafts left either
    with pytest.raises(IndexNotFound, match="removed"):
        old.hold()


@pytest.mark.slow
def test_a_build_killed_at_any_point_leaves_the_published_index_whole(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    index = tmp_path / "index"
    assert build(folder, index).returncode == 0
    published = published_generation(index).name
    (folder / "more.txt").write_text(OTHER + SENTENCE * 40, encoding="utf-8")
    victim = subprocess.Popen(
        [PYTHON, "-m", "indexer", str(folder), "--index", str(index), "--cache", str(tmp_path / "cold"), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not any(index.glob(".building-*")) and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    assert victim.wait() == -signal.SIGKILL  # killed while building, not done
    assert published_generation(index).name == published
    dump = indexer("--dump", "paragraphs", "--index", str(index))
    assert dump.returncode == 0 and len(dump.stdout.splitlines()) == 2
    assert build(folder, index).returncode == 0
    assert not any(index.glob(".building-*")) and published_generation(index).name != published


# 7. Clear one-line errors


def test_an_index_path_that_is_a_file_or_under_one_is_one_clear_error(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    plain = tmp_path / "plain"
    plain.write_text("not an index\n", encoding="utf-8")
    assert one_error_line(build(folder, plain)) == f"error: cannot publish to {plain}: it is a file, not a folder"
    assert one_error_line(build(folder, plain / "index")) == (
        f"error: cannot publish to {plain / 'index'}: Not a directory"
    )
    assert "is a file, not an index folder" in one_error_line(indexer("--dump", "paragraphs", "--index", str(plain)))
    assert "is a file, not an index folder" in one_error_line(search("пытки", "--index", str(plain)))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_index_folder_is_one_clear_error(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    index = tmp_path / "index"
    index.mkdir()
    index.chmod(0o555)
    try:
        assert one_error_line(build(folder, index)) == f"error: cannot publish to {index}: Permission denied"
    finally:
        index.chmod(0o755)


def test_a_corrupt_embedding_cache_is_moved_aside_and_rebuilt(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    cache = tmp_path / "cache"
    cache.mkdir()
    garbage = b"this is no database " * 500
    (cache / "embeddings.sqlite").write_bytes(garbage)
    built = build(folder, tmp_path / "index", cache=cache)
    assert built.returncode == 0, built.stderr
    assert "WARNING" in built.stderr and "was corrupt" in built.stderr and "Traceback" not in built.stderr
    (aside,) = cache.glob("embeddings.sqlite.corrupt-*")
    assert aside.read_bytes() == garbage
    with sqlite3.connect(cache / "embeddings.sqlite") as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == 4


@pytest.mark.slow
def test_a_pointer_to_a_missing_generation_is_one_clear_error_and_a_new_build_works(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    index = tmp_path / "index"
    assert build(folder, index).returncode == 0
    gone = published_generation(index).path
    shutil.rmtree(gone)
    expected = f"error: {index}: CURRENT names {gone.name!r}, which is missing; rebuild the index"
    assert one_error_line(indexer("--dump", "paragraphs", "--index", str(index))) == expected
    assert one_error_line(search("пытки", "--index", str(index))) == expected
    rebuilt = build(folder, index)
    assert rebuilt.returncode == 0 and "indexed 1 documents" in rebuilt.stdout, rebuilt.stderr
    assert len(indexer("--dump", "paragraphs", "--index", str(index)).stdout.splitlines()) == 2

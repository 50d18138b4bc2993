"""Cold indexing on a Ray cluster (``python -m indexer PATH --ray ADDRESS``): a real Ray head with 2 workers on
127.0.0.1, started by the tests, builds the generation a single process builds; a later build embeds nothing;
a killed worker's task is run again; a cluster that loses every try, or does not answer, publishes nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.ray_scaling import local_cluster
from indexer.build import build_index
from indexer.generation import ALIGNMENT, PARAGRAPHS, Generation, published_generation
from tests.cli_helpers import build, one_error_line
from tests.conftest import CORPUS, PYTHON, ROOT, shared_path

pytestmark = pytest.mark.slow

# Russian reports, a Kazakh–Russian letter (aligned by meaning) and an ODT act (a format reader's extraction).
REPORTS = ["002_8f2f399057266b42.txt", "004_9641ebcea6de96ce.txt"]
EXTRACTED = "ru_law_ukrf_excerpt.odt"
# The indexer's command line, then whether it imported Ray.
WITHOUT_RAY = (
    "import sys; from indexer.__main__ import main; status = main(sys.argv[1:]); "
    "print('ray imported' if 'ray' in sys.modules else 'ray not imported'); sys.exit(status)"
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with local_cluster(workers=2) as address:
        yield address


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    for name in REPORTS:
        shutil.copy(CORPUS / name, folder)
    shutil.copy(shared_path("fixtures", EXTRACTED), folder)
    return folder


@pytest.fixture(scope="module")
def single_process(documents: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The documents indexed without Ray (vectors from the project's cache, as every test's): the index and
    the command's output."""
    index = tmp_path_factory.mktemp("single") / "index"
    done = subprocess.run(
        [PYTHON, "-c", WITHOUT_RAY, str(documents), "--index", str(index), "--cache", str(ROOT / "var" / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return index, done.stdout


def test_without_ray_the_indexer_does_not_import_it(single_process: tuple[Path, str]) -> None:
    assert "ray not imported" in single_process[1]


def test_ray_build_is_the_single_process_build_and_fills_the_cache(
    cluster: str, documents: Path, single_process: tuple[Path, str], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"  # empty: every paragraph and sentence is embedded by the workers
    first = build(documents, tmp_path / "index", "--ray", cluster, cache=cache)
    assert first.returncode == 0, first.stderr
    assert embedded(first.stdout) > 0
    assert_same_generation(published_generation(tmp_path / "index"), published_generation(single_process[0]))

    again = build(documents, tmp_path / "index", "--force", "--ray", cluster, cache=cache)
    assert again.returncode == 0, again.stderr
    assert embedded(again.stdout) == 0
    assert_same_generation(published_generation(tmp_path / "index"), published_generation(single_process[0]))


def test_a_killed_worker_is_retried_and_the_build_completes(
    cluster: str, documents: Path, single_process: tuple[Path, str], tmp_path: Path
) -> None:
    from indexer.ray_cluster import RayTasks  # after the cluster fixture: Ray is imported with its settings

    killed = tmp_path / "killed"
    with RayTasks(cluster) as tasks:
        report = build_index(
            [documents], tmp_path / "index", progress=False, cache_dir=tmp_path / "cache",
            tasks=partial(on_embedding, partial(killed_once, killed), tasks),
        )  # fmt: skip
    assert killed.exists()  # a worker did die, embedding a batch
    assert report.embedded > 0
    assert_same_generation(published_generation(tmp_path / "index"), published_generation(single_process[0]))


def test_workers_lost_on_every_try_fail_the_build_and_publish_nothing(
    cluster: str, documents: Path, single_process: tuple[Path, str], tmp_path: Path
) -> None:
    from indexer.ray_cluster import ClusterError, RayTasks

    index = tmp_path / "index"
    shutil.copytree(single_process[0], index)
    published = published_generation(index).name
    with RayTasks(cluster) as tasks, pytest.raises(ClusterError, match="lost"):
        build_index(
            [documents], index, force=True, progress=False, cache_dir=tmp_path / "cache",
            tasks=partial(always_killed, tasks),
        )  # fmt: skip
    assert published_generation(index).name == published


@pytest.mark.parametrize("address, error", [("127.0.0.1:{free_port}", "does not answer"), ("nowhere", "HOST:PORT")])
def test_an_address_that_does_not_answer_is_an_error_before_any_work(
    documents: Path, tmp_path: Path, address: str, error: str
) -> None:
    result = build(documents, tmp_path / "index", "--ray", address.format(free_port=free_port()))
    assert error in one_error_line(result)
    assert not (tmp_path / "index").exists()


def assert_same_generation(got: Generation, expected: Generation) -> None:
    """The same paragraphs, translation pairs and manifest (but for its time), vectors within float tolerance."""
    for name in (PARAGRAPHS, ALIGNMENT):
        assert (got.path / name).read_text(encoding="utf-8") == (expected.path / name).read_text(encoding="utf-8")
    for name, tolerance in (("vectors.npy", 1e-5), ("sentences.npy", 2e-3)):  # sentences are float16
        vectors, expected_vectors = np.load(got.path / name), np.load(expected.path / name)
        assert vectors.shape == expected_vectors.shape and np.allclose(vectors, expected_vectors, atol=tolerance)
    assert np.array_equal(np.load(got.path / "sentence_spans.npy"), np.load(expected.path / "sentence_spans.npy"))
    manifest, expected_manifest = (
        {key: value for key, value in m.items() if key not in ("created", "meaning_null", "language_centroids")}
        for m in (got.manifest, expected.manifest)
    )
    assert json.dumps(manifest, sort_keys=True) == json.dumps(expected_manifest, sort_keys=True)
    for key, tolerance in (("meaning_null", 1e-3), ("language_centroids", 1e-4)):  # made of the vectors
        assert got.manifest[key].keys() == expected.manifest[key].keys()
        for lang, values in expected.manifest[key].items():
            assert got.manifest[key][lang] == pytest.approx(values, abs=tolerance), (key, lang)


def embedded(stdout: str) -> int:
    found = re.search(r"\((\d+) embedded", stdout)
    assert found, stdout
    return int(found.group(1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def on_embedding(wrap: Callable, tasks: Callable, function: Callable, items: Iterable) -> Iterator:
    """``tasks`` with ``wrap`` around the encoder's batches only (a file's extraction runs as it is)."""
    return tasks(partial(wrap, function) if function.__name__ == "encode_passages" else function, items)


def killed_once(marker: Path, function: Callable, item: Any) -> Any:
    """On a worker: the first task to get here makes ``marker`` and kills its own worker process; the others,
    and that task run again, do their work."""
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return function(item)
    os.kill(os.getpid(), signal.SIGKILL)


def always_killed(tasks: Callable, function: Callable, items: Iterable) -> Iterator:
    return tasks(partial(kill_worker, function), items)


def kill_worker(function: Callable, item: Any) -> Any:
    os.kill(os.getpid(), signal.SIGKILL)

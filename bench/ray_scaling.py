"""``python -m bench.ray_scaling [--paragraphs N]``: cold indexing on Ray, paragraphs per second by workers.

A slice of new synthetic paragraphs (``bench/synthetic.py``'s ``write_new_report``: Russian paragraphs that no
cache holds, so each is embedded for real), in documents of 50, is indexed from cold in this process without
Ray, then through ``indexer.ray_cluster.RayTasks`` on a Ray head started on 127.0.0.1 with 1 and with 2
workers (one CPU each). Each Ray build is followed by rebuilds of the slice and of its first half with the
cache it filled (every vector from the cache), which measure what stays in the driver: a fixed cost (loading
the encoder, the off-topic questions, the cluster's round trips) and a cost per paragraph. From them, the
scaling model of ``docs/scaling.md``: a build of P paragraphs takes ``fixed + P × (driver + texts / (workers ×
rate))`` seconds, where ``texts`` is the texts embedded per paragraph (it and the sentences of the longer ones)
and ``rate`` the texts one worker embeds per second. On a 2-core machine the driver shares the cores with the
workers, so the figures here are a floor. Writes ``bench/ray_scaling.json`` and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.synthetic import write_new_report
from indexer.build import BuildReport, build_index
from indexer.embedding_cache import TaskMap
from indexer.generation import published_generation
from indexer.threads import limit_blas_threads

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "ray_scaling.json"
WORK = ROOT / "var" / "bench" / "ray"
CACHE = ROOT / "var" / "cache"  # the project's: the corpus, whose sentences the slice is made of, is embedded once
DOCUMENT_PARAGRAPHS = 50
# Ray on one machine kept to the loopback (it would otherwise use the machine's network address) and without a
# token (nothing but this machine reaches it). Ray reads the first when it is imported: set it before.
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled"}
START_SECONDS = 120


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A Ray head node on 127.0.0.1 running ``workers`` tasks at once, for this benchmark and the tests: its
    address. This process's environment gets ``LOOPBACK`` meanwhile, for the Ray it imports and the indexers it
    starts; the head and its workers are stopped on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {key: os.environ.get(key) for key in LOOPBACK}
    os.environ.update(LOOPBACK)
    with tempfile.NamedTemporaryFile("w+", prefix="ray-head-", suffix=".log") as log:
        head = subprocess.Popen(
            [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block", "--node-ip-address=127.0.0.1",
             f"--port={port}", f"--num-cpus={workers}", "--num-gpus=0", "--include-dashboard=false",
             "--disable-usage-stats"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_started(head, Path(log.name))
            yield f"127.0.0.1:{port}"
        finally:
            head.terminate()  # `ray start --block` stops the head's processes, workers included
            try:
                head.wait(timeout=60)
            except subprocess.TimeoutExpired:
                head.kill()
                head.wait()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _wait_until_started(head: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while "Ray runtime started" not in log.read_text(errors="replace"):
        if head.poll() is not None or time.monotonic() > deadline:
            head.kill()
            raise RuntimeError(f"the Ray head did not start:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


def write_slice(paragraphs: int, folder: Path) -> Path:
    """``paragraphs`` new synthetic paragraphs in documents of ``DOCUMENT_PARAGRAPHS``, made of the corpus's
    Russian sentences."""
    corpus = build_index([ROOT / "corpus"], WORK / "corpus-index", progress=False, cache_dir=CACHE)
    records = published_generation(WORK / "corpus-index").read_paragraphs()
    folder.mkdir(parents=True)
    for number, start in enumerate(range(0, paragraphs, DOCUMENT_PARAGRAPHS)):
        size = min(DOCUMENT_PARAGRAPHS, paragraphs - start)
        write_new_report(records, size, folder / f"slice-{number:03d}.jsonl", seed=corpus.paragraphs + number)
    return folder


def cold_and_warm(folder: Path, work: Path, tasks: TaskMap) -> dict:
    """A cold build of ``folder`` through ``tasks``, then rebuilds of it and of its first half with the cache
    the first filled."""
    files = sorted(folder.iterdir())
    cold = build_index(files, work / "index", progress=False, cache_dir=work / "cache", tasks=tasks)
    warm = build_index(files, work / "index", force=True, progress=False, cache_dir=work / "cache", tasks=tasks)
    half = files[: len(files) // 2]
    warm_half = build_index(half, work / "half", force=True, progress=False, cache_dir=work / "cache", tasks=tasks)
    return _figures(cold) | {
        "warm_s": round(warm.seconds, 2),
        "warm_half_paragraphs": warm_half.paragraphs,
        "warm_half_s": round(warm_half.seconds, 2),
        "warm_embedded": warm.embedded + warm_half.embedded,
    }


def _figures(report: BuildReport) -> dict:
    return {
        "paragraphs": report.paragraphs,
        "texts_embedded": report.embedded,
        "cold_s": round(report.seconds, 2),
        "paragraphs_per_s": round(report.paragraphs / report.seconds, 2),
    }


def scaling_model(run: dict, workers: int) -> dict:
    """The model's parameters from a Ray run with ``workers``, and the paragraphs per second it predicts for a
    large build (where the fixed cost no longer counts) on as many workers."""
    # Seconds per paragraph that no worker takes off the driver; timing noise on a small slice can hide it.
    driver = max(0.0, (run["warm_s"] - run["warm_half_s"]) / (run["paragraphs"] - run["warm_half_paragraphs"]))
    texts = run["texts_embedded"] / run["paragraphs"]
    rate = run["texts_embedded"] / ((run["cold_s"] - run["warm_s"]) * workers)
    return {
        "fixed_s": round(run["warm_s"] - driver * run["paragraphs"], 2),
        "driver_s_per_paragraph": round(driver, 5),
        "texts_per_paragraph": round(texts, 3),
        "worker_texts_per_s": round(rate, 2),
        "predicted_paragraphs_per_s": {n: round(1 / (driver + texts / (n * rate)), 1) for n in (1, 2, 8, 32, 128)},
        "ceiling_paragraphs_per_s": round(1 / driver, 1) if driver else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ray_scaling", description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=300, help="size of the slice (default: 300)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the figures go (default: {OUT})")
    args = parser.parse_args(argv)
    limit_blas_threads()
    shutil.rmtree(WORK, ignore_errors=True)
    folder = write_slice(args.paragraphs, WORK / "docs")
    results: dict = {"paragraphs": args.paragraphs, "cpus": os.cpu_count(), "runs": {}}
    results["runs"]["no_ray"] = _figures(
        build_index([folder], WORK / "no-ray" / "index", progress=False, cache_dir=WORK / "no-ray" / "cache")
    )
    for workers in (1, 2):
        with local_cluster(workers) as address:
            from indexer.ray_cluster import RayTasks  # after local_cluster: Ray reads LOOPBACK when imported

            with RayTasks(address) as tasks:
                run = cold_and_warm(folder, WORK / f"ray-{workers}", tasks)
        results["runs"][f"ray_{workers}_workers"] = run | {"model": scaling_model(run, workers)}
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

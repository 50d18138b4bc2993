"""``python -m bench.soak`` (``make soak``): many clients, mixed requests, the index republished under load.

A real ``python -m web`` server on loopback; ``--clients`` threads send plain, phrase, prefix, fuzzy and
excluded-word searches, filtered and paged ones, suggestions, similar paragraphs and paragraph and document
pages for ``--seconds``, while the corpus is republished ``--republish`` times (a full rebuild with a warm
embedding cache). The promise: no response ≥ 500, memory flat. Writes ``bench/soak.json`` and prints it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.server import ROOT, Server

# Whoosh-path queries (phrases, identifiers) and the cost bounds (short and wide prefixes, fuzzy words) first.
QUERIES = [
    '"права человека"', '"пыток и других"', "ДС-219", "о*", "пра*", "а* б* в* г* д* е*", "пытк~", "свобода~",
    "пытки -пытка", '"смертной казни" -отмена', "отмена смертной казни", "азаптау", "сотталғандардың құқықтары",
    "Конституциялық Сотқа кімдер жүгіне алады?", "права заключённых на медицинскую помощь", "zzzxqv",
    '"незакрытая кавычка', "пытки AND OR NOT ( ]", "-", "*", "~~", '"', "<script>alert(1)</script>",
]  # fmt: skip
FILTERS: list[dict[str, str | int]] = [
    {}, {"mode": "keyword"}, {"mode": "semantic"}, {"lang": "kk"}, {"lang": "ru"}, {"offset": 10},
    {"offset": 100, "k": 20}, {"fusion": "rrf"}, {"alpha": "0.9"},
]  # fmt: skip


RSS_EVERY_S = 30


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    times_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # the first few ≥ 500 responses, for the report
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, status: int, body: bytes, ms: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.times_ms.append(ms)
            if status >= 500 and len(self.failures) < 10:
                self.failures.append(f"{status} {path}: {body[:200]!r}")


def request_paths(ids: list[str], docs: list[str], rng: random.Random) -> str:
    """One request of the mix, as a path with its query string."""
    kind = rng.random()
    if kind < 0.6:
        params = {"q": rng.choice(QUERIES), **rng.choice(FILTERS)}
        return "/api/search?" + urllib.parse.urlencode(params)
    if kind < 0.7:
        return "/search?" + urllib.parse.urlencode({"q": rng.choice(QUERIES)})
    if kind < 0.8:
        return "/api/suggest?" + urllib.parse.urlencode({"q": rng.choice(QUERIES)[:4]})
    if kind < 0.88:
        return f"/api/similar/{urllib.parse.quote(rng.choice(ids))}?k=5"
    if kind < 0.96:
        return f"/p/{urllib.parse.quote(rng.choice(ids))}"
    return f"/doc/{rng.choice(docs)}"


def run_soak(
    index: Path,
    clients: int,
    seconds: float | None = None,
    requests: int | None = None,
    republish: int = 2,
    corpus: Path = ROOT / "corpus",
    cache: Path = ROOT / "var" / "cache",
    log: Path | None = None,
) -> dict:
    """Load a server on ``index`` until ``seconds`` pass or ``requests`` are sent, republishing meanwhile."""
    server = Server(index, threads=8, log=log)
    tally = Tally()
    try:
        documents = json.loads(server.get("/api/documents"))["documents"]
        docs = [d["doc_id"] for d in documents]
        ids = [f"{d['doc_id']}:{n}" for d in documents for n in range(1, d["paragraphs"] + 1, 7)]
        rss_start = server.rss_mb()
        started = time.monotonic()
        sent = iter(range(requests)) if requests else None
        sent_lock = threading.Lock()

        def more() -> bool:
            if seconds is not None and time.monotonic() - started > seconds:
                return False
            if sent is None:
                return True
            with sent_lock:
                return next(sent, None) is not None

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while more():
                path = request_paths(ids, docs, rng)
                began = time.perf_counter()
                status, body = server.status(path)
                tally.add(path, status, body, (time.perf_counter() - began) * 1000)

        rss_samples: list[float] = []

        def sample_memory() -> None:
            while any(thread.is_alive() for thread in threads):
                rss_samples.append(round(server.rss_mb(), 1))
                time.sleep(RSS_EVERY_S)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
        for thread in threads:
            thread.start()
        sampler = threading.Thread(target=sample_memory)
        sampler.start()
        republished = []
        for round_ in range(republish):
            # Spread the rebuilds over the run: after 1/(n+1), 2/(n+1) … of it.
            while not _due(round_, republish, started, seconds, requests, tally):
                time.sleep(0.2)
            began = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "indexer", str(corpus), "--index", str(index), "--cache", str(cache),
                 "--force", "--quiet"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            republished.append(round(time.monotonic() - began, 1))
        for thread in threads:
            thread.join()
        sampler.join()
        elapsed = time.monotonic() - started
        rss_end = server.rss_mb()
    finally:
        server.stop()
    times = tally.times_ms
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(times),
        "requests_per_s": round(len(times) / elapsed, 1),
        "statuses": {str(code): n for code, n in sorted(tally.statuses.items())},
        "server_errors": sum(n for code, n in tally.statuses.items() if code >= 500),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(float(np.percentile(times, 95)), 1) if times else None,
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_mb_every_30_s": rss_samples,
        "republished_s": republished,
        "failures": tally.failures,
    }


def _due(round_: int, rounds: int, started: float, seconds: float | None, requests: int | None, tally: Tally) -> bool:
    share = (round_ + 1) / (rounds + 1)
    if seconds is not None:
        return time.monotonic() - started >= share * seconds
    return len(tally.times_ms) >= share * (requests or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "var" / "soak-index", help="a scratch index folder")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--republish", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "soak.json")
    args = parser.parse_args(argv)
    shutil.rmtree(args.index, ignore_errors=True)
    cache = ROOT / "var" / "cache"
    subprocess.run(
        [sys.executable, "-m", "indexer", str(ROOT / "corpus"), "--index", str(args.index), "--cache", str(cache)],
        cwd=ROOT, check=True,
    )  # fmt: skip
    figures = run_soak(args.index, args.clients, seconds=args.seconds, republish=args.republish,
                       log=ROOT / "var" / "soak-server.log")  # fmt: skip
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 1 if figures["server_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

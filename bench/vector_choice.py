"""``python -m bench.vector_choice [--rows N]``: which vector leg a million paragraphs needs, measured.

The semantic leg scores a query against every paragraph. At 100k paragraphs the int8 rows with the best
``RESCORED`` rescored in float32 (``indexer/vector_index.py``; 200, and 400 when ``bench/vector_choice.json`` was
measured) take a few milliseconds; this measures what they take at ``--rows`` (default a million) against an
approximate index, usearch's HNSW graph over the same int8 rows, searched for the best ``RESCORED`` and
rescored the same way. Both are judged by recall@100 against the exact float32
product, on the benchmark's queries (``bench/__main__.py``), and by their cost: median and p95 milliseconds a
query (one thread, as a server's request has; each graph searched once untimed first, so that its memory map
is read in), the time to build and the bytes on disk. ``peak_rss_mb`` is the whole run's, the float32 vectors
and the exact scores included.

The vectors are synthetic as the benchmark's archives are (``bench/synthetic.py``): each the normalised sum of
two to six real sentence vectors of the shipped corpus, so they cluster as real text does. A row tied with the
exact 100th counts as found. Writes ``bench/vector_choice.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from bench.__main__ import OUT, WORK, make_queries, percentile, recall_at_100
from indexer.build import build_index
from indexer.ranking import top_rows
from indexer.threads import limit_blas_threads
from indexer.vector_index import RESCORED, VectorIndex, quantise
from search.engine import SearchEngine
from search.query import meaning_text, parse_query

CONNECTIVITIES = (16, 32)  # the graph's degree: usearch's default, and twice it
# Candidates kept while searching the graph (never fewer than the RESCORED it returns): recall against cost. On
# 20k of these vectors a degree-16 graph found 0.92 of the exact top 100 at 400, 0.97 at 1,000.
EXPANSIONS = (400, 1000, 2000)
_CHUNK = 50_000


def synthetic_vectors(pool: np.ndarray, rows: int, seed: int = 1) -> np.ndarray:
    """``rows`` normalised sums of 2–6 random rows of ``pool``, float32."""
    rng = np.random.default_rng(seed)
    out = np.empty((rows, pool.shape[1]), dtype=np.float32)
    for start in range(0, rows, _CHUNK):
        size = min(_CHUNK, rows - start)
        counts = rng.integers(2, 7, size)
        picks = rng.integers(0, len(pool), (size, 6))
        weights = (np.arange(6)[None, :] < counts[:, None]).astype(np.float32)
        chunk = np.einsum("rk,rkd->rd", weights, pool[picks])
        out[start : start + size] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def measure(rows: int, folder: Path) -> dict:
    limit_blas_threads()
    corpus = WORK / "corpus" / "index"
    if not (corpus / "CURRENT").exists():
        build_index([Path(__file__).resolve().parent.parent / "corpus"], corpus, progress=False)
    engine = SearchEngine(corpus)
    queries = make_queries(engine, 150)
    query_vectors = np.stack(
        [engine.semantic.corrected(engine.query_vector(meaning_text(q)[0]), parse_query(q).lang) for q in queries]
    )
    pool = np.asarray(engine.sentences.vectors, dtype=np.float32)
    engine.close()

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    vectors = synthetic_vectors(pool, rows)
    VectorIndex.save(folder, vectors)
    figures: dict = {"rows": rows, "queries": len(queries), "synthesise_and_save_s": time.perf_counter() - started}
    exact = [vectors @ q for q in query_vectors]
    del vectors

    index = VectorIndex.load(folder)
    times, recalls = [], []
    for query, truth in zip(query_vectors, exact, strict=True):
        started = time.perf_counter()
        scores = index.similarities(query)
        found = top_rows(scores, 100)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(recall_at_100(truth, found))
    figures["int8_scan"] = {
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "recall_at_100": statistics.mean(recalls),
        "disk_mb": (index.quantised.nbytes + index.scales.nbytes) / 2**20,
    }

    for connectivity in CONNECTIVITIES:
        figures[f"hnsw_int8_usearch_m{connectivity}"] = hnsw_figures(index, folder, connectivity, query_vectors, exact)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def hnsw_figures(
    index: VectorIndex, folder: Path, connectivity: int, query_vectors: np.ndarray, exact: list[np.ndarray]
) -> dict:
    """Build usearch's HNSW graph over the index's int8 rows, load it memory-mapped as a server would, and
    search it at each of EXPANSIONS for the RESCORED best rows, rescored exactly in float32."""
    from usearch.index import Index

    path = folder / f"graph-m{connectivity}.usearch"
    build_s = _build_graph(index, path, connectivity)
    graph = Index.restore(str(path), view=True)
    if graph is None:
        raise RuntimeError(f"usearch could not read {path}")
    figures: dict = {"build_s": build_s, "build_threads": 2, "disk_mb": path.stat().st_size / 2**20}
    for query in query_vectors:  # read the map in: the first expansion timed is not the one paying for it
        graph.search(quantise(query[None])[0][0], RESCORED, threads=1)
    for expansion in EXPANSIONS:
        graph.expansion_search = expansion  # type: ignore[misc]  # usearch has the setter; mypy misreads it
        times, recalls = [], []
        for query, truth in zip(query_vectors, exact, strict=True):
            started = time.perf_counter()
            found = graph.search(quantise(query[None])[0][0], RESCORED, threads=1).keys.astype(np.int64)
            candidates = np.sort(found)
            best = candidates[top_rows(index.exact_scores(candidates, query), 100)].tolist()
            times.append((time.perf_counter() - started) * 1000)
            recalls.append(recall_at_100(truth, best))
        figures[f"expansion_{expansion}"] = {
            "p50_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
            "recall_at_100": statistics.mean(recalls),
        }
    return figures


def _build_graph(index: VectorIndex, path: Path, connectivity: int) -> float:
    """Seconds to build the graph over the index's int8 rows and save it at ``path``."""
    from usearch.index import Index

    # The graph holds the index's own int8 rows (each scaled to its peak, as ``quantise`` makes them): usearch's
    # cosine ignores a row's scale, and its own float-to-int8 step (x 127) would leave a normalised row's small
    # components a few levels each.
    graph = Index(ndim=index.dim, metric="cos", dtype="i8", connectivity=connectivity, expansion_add=128)
    started = time.perf_counter()
    for start in range(0, len(index.quantised), _CHUNK):
        chunk = np.asarray(index.quantised[start : start + _CHUNK])
        graph.add(np.arange(start, start + len(chunk)), chunk, threads=2)
    seconds = time.perf_counter() - started
    graph.save(str(path))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.vector_choice", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=OUT / "vector_choice.json")
    args = parser.parse_args(argv)
    figures = measure(args.rows, WORK / "vector_choice")
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

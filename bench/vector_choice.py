"""``python -m bench.vector_choice [--rows N] [--legs scan,ivf,pca,hnsw]``: which vector leg a million paragraphs
needs, measured (``--legs``: only those; the figures of the others already in the output are kept).

The semantic leg scores a query against every paragraph. At 100k paragraphs the int8 rows with the best
``RESCORED`` rescored in float32 (``indexer/vector_index.py``; 200, and 400 when ``bench/vector_choice.json`` was
measured) take a few milliseconds; this measures what they take at ``--rows`` (default a million) against an
approximate index, usearch's HNSW graph over the same int8 rows, searched for the best ``RESCORED`` and
rescored the same way; an inverted file (k-means lists of the centred rows, the lists nearest the query scanned
until a share of the rows is read); and a narrower first pass (int8 rows of a PCA's leading dimensions, whose
best rows are scored again in full int8, then the best ``RESCORED`` in float32). All are judged by recall@100
against the exact float32 product, on the benchmark's queries (``bench/__main__.py``), and by their cost:
median and p95 milliseconds a query (the scans on two halves, as the product's ``int8_dots``; a graph on one
thread, searched once untimed first, so that its memory map is read in), the time to build and the bytes on
disk. ``peak_rss_mb`` is the latest run's (of the legs it measured), the float32 vectors and the exact scores
included.

The vectors are synthetic as the benchmark's archives are (``bench/synthetic.py``): each the normalised sum of
two to six real sentence vectors of the shipped corpus. Such a row mixes several topics, so rows crowd together
more than real paragraphs do (two random rows have a mean cosine of 0.94, two paragraphs of the corpus 0.81): a
query near one of a row's sentences finds it in no cluster of its own. A row tied with the exact 100th counts as
found. Writes ``bench/vector_choice.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np

from bench.__main__ import OUT, WORK, make_queries, percentile, recall_at_100
from indexer.build import build_index
from indexer.ranking import top_rows
from indexer.threads import limit_blas_threads
from indexer.vector_index import RESCORED, VectorIndex, int8_dots, quantise
from search.engine import SearchEngine
from search.query import meaning_text, parse_query

LEGS = ("scan", "ivf", "pca", "hnsw")
CONNECTIVITIES = (16, 32)  # the graph's degree: usearch's default, and twice it
# Candidates kept while searching the graph (never fewer than the RESCORED it returns): recall against cost. On
# 20k of these vectors a degree-16 graph found 0.92 of the exact top 100 at 400, 0.97 at 1,000.
EXPANSIONS = (400, 1000, 2000)
_CHUNK = 50_000
LISTS = (1024, 4096)  # inverted lists: about a thousand rows each, and about 250
PROBED_SHARES = (0.01, 0.02, 0.05, 0.1, 0.2)  # of the rows, read from the lists nearest the query
KMEANS_SAMPLE, KMEANS_ROUNDS = 150_000, 12
PCA_DIMENSIONS = (128, 192)
SHORTLISTS = (1000, 2000)  # rows of the narrow pass scored again in full int8


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


def measure(rows: int, folder: Path, legs: tuple[str, ...] = LEGS) -> dict:
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
    if "scan" in legs:
        figures["int8_scan"] = _timed((lambda q: top_rows(index.similarities(q), 100)), query_vectors, exact) | {
            "disk_mb": (index.quantised.nbytes + index.scales.nbytes) / 2**20
        }
    if "ivf" in legs:
        for lists in LISTS:
            figures[f"ivf_int8_lists_{lists}"] = ivf_figures(index, lists, query_vectors, exact)
    if "pca" in legs:
        for dimensions in PCA_DIMENSIONS:
            figures[f"pca_int8_{dimensions}"] = pca_figures(index, dimensions, query_vectors, exact)
    if "hnsw" in legs:
        for connectivity in CONNECTIVITIES:
            figures[f"hnsw_int8_usearch_m{connectivity}"] = hnsw_figures(
                index, folder, connectivity, query_vectors, exact
            )
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _timed(search, query_vectors: np.ndarray, exact: list[np.ndarray]) -> dict:
    """Median and p95 milliseconds of ``search`` (a query vector → its best rows, best first) and its mean
    recall@100 against ``exact``."""
    times, recalls = [], []
    for query, truth in zip(query_vectors, exact, strict=True):
        started = time.perf_counter()
        found = search(query)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(recall_at_100(truth, found))
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "recall_at_100": statistics.mean(recalls),
    }


def _rescored_best(index: VectorIndex, candidates: np.ndarray, query: np.ndarray) -> list[int]:
    """The best 100 of ``candidates`` (ascending rows) by their exact float32 score."""
    return candidates[top_rows(index.exact_scores(candidates, query), 100)].tolist()


def ivf_figures(index: VectorIndex, lists: int, query_vectors: np.ndarray, exact: list[np.ndarray]) -> dict:
    """An inverted file over the int8 rows: spherical k-means of the centred rows into ``lists`` lists (fitted on
    a sample), the rows stored list after list; a query reads the lists whose centres are nearest it until
    each of PROBED_SHARES of the rows is read, and its best ``RESCORED`` by int8 are rescored in float32. The
    time is the lists' int8 products and the rescoring (the lists are in memory, as a server would map them),
    one call a list on one thread: more than an inverted file written in C would take, whose recall is the same."""
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    sample, mean = _centred_sample(index, rng)
    centres = _spherical_kmeans(_normalised(sample), lists, rng)
    assigned = np.concatenate([np.argmax(chunk @ centres.T, axis=1) for chunk in _centred_chunks(index, mean)])
    order = np.argsort(assigned, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(assigned, minlength=lists))])
    stored = np.asarray(index.quantised)[order]  # the rows list after list
    figures: dict = {
        "build_s": time.perf_counter() - started,
        "rows_per_list_median": float(np.median(np.diff(bounds))),
    }

    def search(query: np.ndarray, share: float) -> list[int]:
        nearest = np.argsort(-(centres @ query))
        read = np.cumsum(np.diff(bounds)[nearest])
        probed = nearest[: int(np.searchsorted(read, share * len(order))) + 1]
        code, step = quantise(query[None])  # once: the lists are scored one call each
        slices = [slice(bounds[c], bounds[c + 1]) for c in probed]
        estimates = np.concatenate([int8_dots(stored[s], code)[:, 0] for s in slices])
        rows = np.concatenate([order[s] for s in slices])
        estimates *= index.scales[rows] * step[0]
        return _rescored_best(index, np.sort(rows[top_rows(estimates, RESCORED)]), query)

    for share in PROBED_SHARES:
        figures[f"probed_{share}"] = _timed(partial(search, share=share), query_vectors, exact)
    return figures


def _centred_sample(index: VectorIndex, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Up to KMEANS_SAMPLE random rows less their mean, and the mean. A query is not centred: the mean adds the
    same to its score with every row, so the ranking of rows (and of lists, and the PCA's) is the same."""
    rows = np.sort(rng.choice(len(index.vectors), min(KMEANS_SAMPLE, len(index.vectors)), replace=False))
    sample = np.asarray(index.vectors[rows])
    mean = sample.mean(axis=0)
    return sample - mean, mean


def _centred_chunks(index: VectorIndex, mean: np.ndarray) -> Iterator[np.ndarray]:
    """The index's float32 rows less ``mean``, ``_CHUNK`` rows at a time."""
    for start in range(0, len(index.vectors), _CHUNK):
        yield np.asarray(index.vectors[start : start + _CHUNK]) - mean


def _int8_estimates(codes: np.ndarray, scales: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Each of ``codes``' rows' dot product with ``query`` as their int8 codes give it, the query quantised as
    the product quantises it (``VectorIndex.estimates``)."""
    code, step = quantise(query[None])
    return int8_dots(codes, code)[:, 0] * scales * step[0]


def _normalised(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def _spherical_kmeans(rows: np.ndarray, lists: int, rng: np.random.Generator) -> np.ndarray:
    """``lists`` unit centres of the unit ``rows``, KMEANS_ROUNDS rounds from random rows (an empty list restarts
    at a random row)."""
    centres = rows[rng.choice(len(rows), lists, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        assigned = np.concatenate(
            [np.argmax(rows[s : s + _CHUNK] @ centres.T, axis=1) for s in range(0, len(rows), _CHUNK)]
        )
        sums = np.zeros_like(centres)
        np.add.at(sums, assigned, rows)
        empty = np.bincount(assigned, minlength=lists) == 0
        sums[empty] = rows[rng.choice(len(rows), int(empty.sum()), replace=False)]
        centres = _normalised(sums)
    return centres


def pca_figures(index: VectorIndex, dimensions: int, query_vectors: np.ndarray, exact: list[np.ndarray]) -> dict:
    """A narrower first pass: every row's int8 code of its first ``dimensions`` principal components (fitted on a
    sample), scanned as the product scans (two halves); the best of SHORTLISTS scored again in full int8, the
    best ``RESCORED`` of those in float32."""
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    sample, mean = _centred_sample(index, rng)
    basis = np.linalg.svd(sample, full_matrices=False)[2][:dimensions].T.astype(np.float32)
    quantised = [quantise(chunk @ basis) for chunk in _centred_chunks(index, mean)]
    codes, scales = (np.concatenate(parts) for parts in zip(*quantised, strict=True))
    figures: dict = {"build_s": time.perf_counter() - started, "disk_mb": (codes.nbytes + scales.nbytes) / 2**20}

    def search(query: np.ndarray, shortlist: int) -> list[int]:
        narrow = _int8_estimates(codes, scales, query @ basis)
        rows = np.sort(np.array(top_rows(narrow, shortlist), dtype=np.int64))
        full = _int8_estimates(np.asarray(index.quantised[rows]), index.scales[rows], query)
        return _rescored_best(index, np.sort(rows[top_rows(full, RESCORED)]), query)

    for shortlist in SHORTLISTS:
        figures[f"shortlist_{shortlist}"] = _timed(partial(search, shortlist=shortlist), query_vectors, exact)
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

    def search(query: np.ndarray) -> list[int]:
        found = graph.search(quantise(query[None])[0][0], RESCORED, threads=1).keys.astype(np.int64)
        return _rescored_best(index, np.sort(found), query)

    for expansion in EXPANSIONS:
        graph.expansion_search = expansion  # type: ignore[misc]  # usearch has the setter; mypy misreads it
        figures[f"expansion_{expansion}"] = _timed(search, query_vectors, exact)
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
    parser.add_argument(
        "--legs",
        default=",".join(LEGS),
        help=f"which to measure, of {','.join(LEGS)}: the others' figures in --out are kept",
    )
    args = parser.parse_args(argv)
    legs = tuple(args.legs.split(","))
    if unknown := set(legs) - set(LEGS):
        parser.error(f"unknown legs: {', '.join(sorted(unknown))} (choose from {', '.join(LEGS)})")
    kept = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    if kept.get("rows") != args.rows:  # figures of another size are not kept beside these
        kept = {}
    figures = kept | measure(args.rows, WORK / "vector_choice", legs)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

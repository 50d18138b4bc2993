"""The cost of hostile queries: the most expensive queries we can construct against a normal one, and what
they leave of normal clients' throughput (issue 11: at most 5× a normal hybrid query; at least half the
throughput while 4 clients send the worst one)."""

from __future__ import annotations

import statistics
import threading
import time
import urllib.parse

from bench.server import Server
from indexer.vocabulary import VOCABULARY, read_vocabulary
from search.engine import SearchEngine
from search.query import MAX_QUERY_CHARS, MAX_QUERY_WORDS


def expensive_queries(engine: SearchEngine) -> dict[str, str]:
    """Queries built to be slow: the widest prefixes, the most fuzzy words, phrases of the commonest words,
    the longest text in each language, and all of them at once."""
    frequent = [w for w, _, _ in read_vocabulary(engine.generation.path / VOCABULARY) if " " not in w and len(w) > 5]
    kazakh = [w for w in frequent if any(c in w for c in "әғқңөұүһі")]
    russian = [w for w in frequent if w not in kazakh]
    pairs = [f'"{a} {b}"' for a, b in zip(russian[::2], russian[1::2], strict=False)]
    return {
        "one-letter prefixes": " ".join(f"{c}*" for c in "абвгдежзиклмнопрстуфхцчшщэюя"),
        "widest prefixes": " ".join(f"{w[:3]}*" for w in russian[:MAX_QUERY_WORDS]),
        "fuzzy words": " ".join(f"{w}~" for w in sorted(russian, key=len)[-MAX_QUERY_WORDS:]),
        "phrases of frequent words": " ".join(pairs[: MAX_QUERY_WORDS // 2]),
        "longest Russian text": " ".join(russian)[:MAX_QUERY_CHARS],
        "longest Kazakh text": " ".join(kazakh or russian)[:MAX_QUERY_CHARS],
        "everything at once": " ".join(
            [*pairs[:4], *(f"{w[:3]}*" for w in russian[:8]), *(f"{w}~" for w in russian[8:16]), "-" + russian[16]]
        )[:MAX_QUERY_CHARS],
    }


def _cold_ms(engine: SearchEngine, query: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        engine.query_vector.cache_clear()
        started = time.perf_counter()
        engine.search(query)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worst_query_figures(engine: SearchEngine, normal: list[str]) -> dict:
    """Hybrid p50 of ``normal`` queries and the costliest constructed query, each with a cold query vector."""
    normal_ms = statistics.median(_cold_ms(engine, query, runs=1) for query in normal)
    costs = {name: _cold_ms(engine, query) for name, query in expensive_queries(engine).items()}
    worst = max(costs, key=costs.__getitem__)
    return {
        "normal_hybrid_p50_ms": normal_ms,
        "worst_query_ms": costs[worst],
        "worst_query_ratio": costs[worst] / normal_ms,
        "worst_query_kind": worst,
        "expensive_query_ms": costs,
    }


def throughput_under_attack(
    server: Server, normal: list[str], attack: str, seconds: float, clients: int = 4, attackers: int = 4
) -> dict:
    """Normal clients' requests per second alone, then while ``attackers`` send ``attack`` without pause."""

    def run(with_attack: bool) -> float:
        stop = time.monotonic() + seconds
        done: list[int] = []

        def client(seed: int) -> None:
            i = seed
            while time.monotonic() < stop:
                server.get("/api/search", q=normal[i % len(normal)])
                done.append(1)
                i += clients

        def attacker() -> None:
            while time.monotonic() < stop:
                server.status("/api/search?" + urllib.parse.urlencode({"q": attack}))

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
        threads += [threading.Thread(target=attacker) for _ in range(attackers if with_attack else 0)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(done) / (time.monotonic() - started)

    alone = run(with_attack=False)
    attacked = run(with_attack=True)
    return {
        "qps_normal_4_clients": alone,
        "qps_normal_under_attack": attacked,
        "qps_under_attack_ratio": attacked / alone,
    }

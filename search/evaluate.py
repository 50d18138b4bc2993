"""Relevance figures: ``python -m search.evaluate``.

- the judged dev queries on our own corpus (``../shared/eval/dev_queries.jsonl``): nDCG@10 (gain = grade),
  Recall@10 over all judged paragraphs and MRR@10 of the first grade-2 paragraph, overall and per kind. A
  returned paragraph carries a judgment when the judged quote is a substring of its text, both sides
  normalised (NFC, ё→е, lower case, white space folded), as the set's README prescribes;
- the public BEIR sets in ``../shared/data/`` (nDCG@10, Recall@100), each indexed as it is into
  ``var/eval/<name>`` (rebuilt only when the data change).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from indexer.build import build_index
from indexer.generation import DEFAULT_INDEX
from search.engine import SearchEngine

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
BEIR_SETS = {"xquad_ru": "qrels_validation.tsv", "kazqad_pool": "qrels.tsv"}


def match_form(text: str) -> str:
    """Both sides of the quote-matching rule: NFC, ё→е, lower case, white space folded."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip()


def ndcg(gains: list[float], ideal: list[float], k: int = 10) -> float:
    def dcg(values: list[float]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(gains) / best if best else 0.0


def evaluate_dev(engine: SearchEngine, queries_path: Path, mode: str = "keyword", k: int = 10) -> dict:
    """Per-kind and overall nDCG@10, Recall@10, MRR@10 on judged queries."""
    per_kind: dict[str, list[dict]] = defaultdict(list)
    for line in queries_path.read_text(encoding="utf-8").splitlines():
        judged = json.loads(line)
        quotes = [(match_form(r["quote"]), r["grade"]) for r in judged["relevant"]]
        results = engine.search(judged["query"], k=k, mode=mode)["results"]
        gains, found, first_answer = [], set(), 0.0
        for rank, result in enumerate(results, start=1):
            text = match_form(result["text"])
            hit = [(i, grade) for i, (quote, grade) in enumerate(quotes) if quote in text and i not in found]
            found.update(i for i, _ in hit)
            grade = max((g for _, g in hit), default=0)
            gains.append(grade)
            if grade == 2 and not first_answer:
                first_answer = 1 / rank
        scores = {
            "ndcg@10": ndcg(gains, [g for _, g in quotes]),
            "recall@10": len(found) / len(quotes),
            "mrr@10": first_answer,
        }
        per_kind[judged["kind"]].append(scores)
        per_kind["all"].append(scores)
    return {
        kind: {m: sum(s[m] for s in rows) / len(rows) for m in rows[0]} | {"n": len(rows)}
        for kind, rows in per_kind.items()
    }


def evaluate_beir(name: str, data_dir: Path, work_dir: Path, mode: str = "keyword") -> dict:
    """nDCG@10 and Recall@100 of a BEIR set indexed as it is."""
    folder = data_dir / name
    index_dir = work_dir / name
    build_index([folder / "corpus.jsonl"], index_dir, progress=False)
    engine = SearchEngine(index_dir)
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (folder / BEIR_SETS[name]).read_text(encoding="utf-8").splitlines()[1:]:
        query_id, corpus_id, score = row.split("\t")
        qrels[query_id][corpus_id] = int(score)
    queries = [json.loads(line) for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    ndcgs, recalls = [], []
    for query in queries:
        relevant = qrels.get(query["_id"])
        if not relevant:
            continue
        results = engine.search(query["text"], k=100, mode=mode)["results"]
        returned = [r["id"].split(":", 1)[1] for r in results]
        ndcgs.append(ndcg([relevant.get(doc, 0) for doc in returned[:10]], list(relevant.values())))
        recalls.append(len(set(returned) & set(relevant)) / len(relevant))
    engine.close()
    return {"ndcg@10": sum(ndcgs) / len(ndcgs), "recall@100": sum(recalls) / len(recalls), "n": len(ndcgs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help=f"index of the corpus (default: {DEFAULT_INDEX})"
    )
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: ../shared)")
    parser.add_argument("--work", type=Path, default=Path("var/eval"), help="where BEIR sets are indexed")
    parser.add_argument("--mode", default="keyword")
    parser.add_argument("--sets", default="dev," + ",".join(BEIR_SETS), help="comma-separated: dev and BEIR set names")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    wanted = args.sets.split(",")
    figures: dict[str, dict] = {}
    if "dev" in wanted:
        engine = SearchEngine(args.index)
        figures["dev"] = evaluate_dev(engine, args.shared / "eval" / "dev_queries.jsonl", args.mode)
        engine.close()
        print(f"dev queries ({args.mode}):")
        print(f"  {'kind':<14}{'n':>3}  {'nDCG@10':>8} {'R@10':>6} {'MRR@10':>7}")
        for kind, row in sorted(figures["dev"].items(), key=lambda item: item[0] != "all"):
            print(f"  {kind:<14}{row['n']:>3}  {row['ndcg@10']:>8.3f} {row['recall@10']:>6.3f} {row['mrr@10']:>7.3f}")
    for name in (n for n in wanted if n in BEIR_SETS):
        figures[name] = evaluate_beir(name, args.shared / "data", args.work, args.mode)
        row = figures[name]
        print(
            f"{name} ({args.mode}, {row['n']} queries): "
            f"nDCG@10 {row['ndcg@10']:.3f}  Recall@100 {row['recall@100']:.3f}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

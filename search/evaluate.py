"""Relevance figures: ``python -m search.evaluate``, every mode side by side.

- judged queries on our own corpus (``../shared/eval/dev_queries.jsonl``, or ``--queries FILE`` of the same
  form): nDCG@10 (gain = grade), Recall@10 over all judged paragraphs and MRR@10 of the first grade-2
  paragraph, overall and per kind. A returned paragraph carries a judgment when the judged quote is a
  substring of its text, both sides normalised (NFC, ё→е, lower case, white space folded), as the set's
  README prescribes. Also counted: fragments, results in a query's top 10 of fewer than six words
  (``indexer.records.FRAGMENT_WORDS``) that carry no judgment of it: a signature or a phone line cites nothing;
- BEIR sets (a folder with a ``*corpus*.jsonl``, a ``*queries*.jsonl`` and a ``qrels*.tsv``; by name from
  ``../shared/data/`` or by path): nDCG@10, Recall@100 and P@1, each indexed as it is into ``var/eval/<name>``
  (rebuilt only when the data change);
- the Kazakh–Russian alignment against gold quote pairs (``../shared/eval/dev_align_004.jsonl``): precision
  and recall of the predicted paragraph pairs that involve a gold pair's paragraphs;
- ``translations``: a BEIR set made from the index's own alignment, each aligned Kazakh paragraph a query
  whose answer is its Russian counterpart among all the index's Russian paragraphs (P@1 is the figure);
- ``no_answer``: the share of queries the corpus has no answer to (``dev_no_answer.jsonl``) answered with
  nothing (``total`` 0);
- ``twins``: the Kazakh twins of Russian judged queries (``dev_xl_queries.jsonl``, the same answers) beside
  their Russian originals, measured in the same run, and the ratio of their Recall@10;
- ``calibration``: results of the judged queries and their twins (hybrid top 10) by confidence, with the
  share of each group that is a judged answer, and the mean gap between confidence and that share (ECE).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from indexer.build import build_index
from indexer.records import FRAGMENT_WORDS, word_count
from indexer.settings import Settings
from indexer.threads import limit_blas_threads
from search.engine import MODES, SearchEngine

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEFAULT_SETS = "dev,no_answer,twins,calibration,xquad_ru,kazqad_pool,tatoeba_kk_ru,translations,align"


class Searcher(Protocol):
    """What the relevance figures ask of a search engine: kazsearch's own, or the benchmarks' tantivy peer."""

    def search(
        self,
        query: str,
        *,
        k: int = ...,
        mode: str = ...,
        alpha: float | None = ...,
        fusion: str = ...,
        snippets: bool = ...,
    ) -> Mapping[str, Any]: ...


def match_form(text: str) -> str:
    """Both sides of the quote-matching rule: NFC, ё→е, lower case, white space folded."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip()


def ndcg(gains: list[float], ideal: list[float], k: int = 10) -> float:
    def dcg(values: list[float]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(gains) / best if best else 0.0


def _mean_by_kind(per_kind: dict[str, list[dict]]) -> dict[str, dict]:
    return {
        kind: {m: sum(s[m] for s in rows) / len(rows) for m in rows[0]} | {"n": len(rows)}
        for kind, rows in per_kind.items()
    }


def read_queries(path: Path) -> list[dict]:
    """The records of a JSON-lines file: queries (judged or not), gold pairs."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def evaluate_dev(engine: Searcher, queries_path: Path, k: int = 10, **search_args: Any) -> dict:
    """Per-kind and overall nDCG@10, Recall@10, MRR@10 on the judged queries of a file."""
    return evaluate_judged(engine, read_queries(queries_path), k, **search_args)


def evaluate_judged(engine: Searcher, queries: list[dict], k: int = 10, **search_args: Any) -> dict:
    """Per-kind and overall nDCG@10, Recall@10, MRR@10 on judged queries."""
    per_kind: dict[str, list[dict]] = defaultdict(list)
    for judged in queries:
        quotes = [(match_form(r["quote"]), r["grade"]) for r in judged["relevant"]]
        results = engine.search(judged["query"], k=k, snippets=False, **search_args)["results"]
        gains: list[float] = []
        found: set[int] = set()
        first_answer = 0.0
        fragments = 0
        for rank, result in enumerate(results, start=1):
            text = match_form(result["text"])
            holds = [(i, grade) for i, (quote, grade) in enumerate(quotes) if quote in text]
            hit = [(i, grade) for i, grade in holds if i not in found]
            found.update(i for i, _ in hit)
            grade = max((g for _, g in hit), default=0)
            gains.append(grade)
            if grade == 2 and not first_answer:
                first_answer = 1 / rank
            fragments += not holds and word_count(result["text"]) < FRAGMENT_WORDS
        scores = {
            "ndcg@10": ndcg(gains, [g for _, g in quotes]),
            "recall@10": len(found) / len(quotes),
            "mrr@10": first_answer,
            "fragments": float(fragments),
        }
        per_kind[judged["kind"]].append(scores)
        per_kind["all"].append(scores)
    return _mean_by_kind(per_kind)


def beir_files(folder: Path) -> tuple[Path, Path, Path]:
    """The corpus, queries and qrels files of a BEIR-style folder."""
    found = []
    for pattern in ("*corpus*.jsonl", "*queries*.jsonl", "qrels*.tsv"):
        matches = sorted(folder.glob(pattern))
        if len(matches) != 1:
            raise ValueError(f"{folder}: expected one {pattern}, found {len(matches)}")
        found.append(matches[0])
    return found[0], found[1], found[2]


def write_translation_set(engine: SearchEngine, folder: Path) -> Path:
    """A BEIR folder: the aligned Kazakh paragraphs as queries, every Russian paragraph of the index as the
    corpus, each query's aligned counterpart as its one relevant document. Rewritten only when it changes."""
    russian = [{"_id": r.id, "text": r.text} for r in engine.store.records if r.lang == "ru"]
    kazakh = {p["kk_id"] for p in engine.store.alignment}
    queries = [{"_id": r.id, "text": r.text} for r in engine.store.records if r.id in kazakh]
    qrels = ["query-id\tcorpus-id\tscore"] + [f"{p['kk_id']}\t{p['ru_id']}\t1" for p in engine.store.alignment]
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("corpus.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in russian)),
        ("queries.jsonl", "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries)),
        ("qrels.tsv", "\n".join(qrels) + "\n"),
    ):
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


def index_beir(folder: Path, work_dir: Path) -> Path:
    corpus, _, _ = beir_files(folder)
    index_dir = work_dir / folder.name
    build_index([corpus], index_dir, progress=False)
    return index_dir


def evaluate_beir(folder: Path, engine: SearchEngine, **search_args: Any) -> dict:
    """nDCG@10, Recall@100 and P@1 of a BEIR set already indexed into ``engine``."""
    _, queries_path, qrels_path = beir_files(folder)
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for row in qrels_path.read_text(encoding="utf-8").splitlines()[1:]:
        query_id, corpus_id, score = row.split("\t")
        qrels[query_id][corpus_id] = int(score)
    ndcgs, recalls, firsts = [], [], []
    for query in read_queries(queries_path):
        relevant = qrels.get(query["_id"])
        if not relevant:
            continue
        results = engine.search(query["text"], k=100, snippets=False, **search_args)["results"]
        returned = [r["id"].split(":", 1)[1] for r in results]
        ndcgs.append(ndcg([relevant.get(doc, 0) for doc in returned[:10]], list(relevant.values())))
        recalls.append(len(set(returned) & set(relevant)) / len(relevant))
        firsts.append(float(bool(returned) and relevant.get(returned[0], 0) > 0))
    n = len(ndcgs)
    return {"ndcg@10": sum(ndcgs) / n, "recall@100": sum(recalls) / n, "p@1": sum(firsts) / n, "n": n}


def evaluate_alignment(engine: SearchEngine, gold_path: Path) -> dict:
    """Precision and recall of the generation's Kazakh–Russian pairs against gold quote pairs.

    Each gold quote is mapped to the paragraph that contains it. Precision counts the predicted pairs that
    touch a gold paragraph (on either side): the rest of the alignment is not judged.
    """
    texts = [(record.id, match_form(record.text)) for record in engine.store.records]

    def holder(quote: str) -> str | None:
        quote = match_form(quote)
        return next((pid for pid, text in texts if quote in text), None)

    gold = set()
    for pair in read_queries(gold_path):
        gold.add((holder(pair["kk"]), holder(pair["ru"])))
    predicted = {(p["kk_id"], p["ru_id"]) for p in engine.store.alignment}
    kk_gold, ru_gold = {kk for kk, _ in gold}, {ru for _, ru in gold}
    judged = {pair for pair in predicted if pair[0] in kk_gold or pair[1] in ru_gold}
    return {
        "precision": len(judged & gold) / len(judged) if judged else 0.0,
        "recall": len(predicted & gold) / len(gold),
        "n": len(gold),
    }


def evaluate_no_answer(engine: Searcher, queries_path: Path, **search_args: Any) -> dict:
    """The share of the queries that get no result at all."""
    queries = read_queries(queries_path)
    empty = [engine.search(q["query"], k=10, snippets=False, **search_args)["total"] == 0 for q in queries]
    return {"n": len(queries), "empty": sum(empty) / len(queries)}


def evaluate_twins(engine: Searcher, twins_path: Path, originals_path: Path, **search_args: Any) -> dict:
    """Recall@10 and nDCG@10 of the Kazakh twins and of their Russian originals (the judged query whose id has
    the twin's number), and the ratio of the recalls."""
    twins = read_queries(twins_path)
    numbers = {q["id"][1:] for q in twins}
    originals = [q for q in read_queries(originals_path) if q["id"][1:] in numbers]
    kazakh = evaluate_judged(engine, twins, **search_args)["all"]
    russian = evaluate_judged(engine, originals, **search_args)["all"]
    ratio = kazakh["recall@10"] / russian["recall@10"] if russian["recall@10"] else 0.0
    return {"kazakh": kazakh, "russian": russian, "recall_ratio": ratio}


def evaluate_calibration(engine: SearchEngine, paths: list[Path], bins: int = 5) -> dict:
    """Hybrid top-10 results of judged queries grouped by confidence: each group's size, mean confidence and
    share of judged answers; ECE, the size-weighted mean gap between the two."""
    pairs: list[tuple[float, bool]] = []
    for path in paths:
        for query in read_queries(path):
            quotes = [match_form(judged["quote"]) for judged in query["relevant"]]
            for result in engine.search(query["query"], k=10, snippets=False)["results"]:
                confidence = result["confidence"] or 0.0  # every search result has one; similar() results do not
                pairs.append((confidence, any(q in match_form(result["text"]) for q in quotes)))
    groups = []
    for b in range(bins):
        inside = [(c, r) for c, r in pairs if min(int(c * bins), bins - 1) == b]
        if inside:
            mean = sum(c for c, _ in inside) / len(inside)
            share = sum(r for _, r in inside) / len(inside)
            groups.append({"from": b / bins, "n": len(inside), "confidence": mean, "answers": share})
    ece = sum(g["n"] * abs(g["confidence"] - g["answers"]) for g in groups) / max(1, len(pairs))
    return {"n": len(pairs), "groups": groups, "ece": ece}


def _print_dev(figures: dict[str, dict], modes: list[str]) -> None:
    kinds = sorted(figures[modes[0]], key=lambda kind: (kind != "all", kind))
    header = "".join(f"{mode:>24}" for mode in modes)
    print(f"  {'kind':<13}{'n':>3}{header}")
    print(f"  {'':<16}" + "".join(f"{'nDCG  R@10   MRR':>24}" for _ in modes))
    for kind in kinds:
        cells = "".join(
            f"{figures[m][kind]['ndcg@10']:>10.3f}{figures[m][kind]['recall@10']:>7.3f}{figures[m][kind]['mrr@10']:>7.3f}"
            for m in modes
        )
        print(f"  {kind:<13}{figures[modes[0]][kind]['n']:>3}{cells}")
    counts = "".join(f"{round(figures[m]['all']['fragments'] * figures[m]['all']['n']):>24}" for m in modes)
    print(f"  {'fragments':<16}{counts}   (results of < {FRAGMENT_WORDS} words in a top 10, not judged for the query)")


def main(argv: list[str] | None = None) -> int:
    limit_blas_threads()
    parser = argparse.ArgumentParser(prog="python -m search.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", type=Path, default=Settings.from_env().index, help="index of the corpus (default: var/index)"
    )
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: ../shared)")
    parser.add_argument("--queries", type=Path, help="judged queries (default: <shared>/eval/dev_queries.jsonl)")
    parser.add_argument("--align", type=Path, help="gold pairs (default: <shared>/eval/dev_align_004.jsonl)")
    parser.add_argument("--work", type=Path, default=Path("var/eval"), help="where BEIR sets are indexed")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated (default: {','.join(MODES)})")
    parser.add_argument("--alpha", type=float, help="hybrid weight of meaning (default: the engine's)")
    parser.add_argument("--fusion", default="weighted", choices=["weighted", "rrf"])
    parser.add_argument(
        "--sets",
        default=DEFAULT_SETS,
        help="comma-separated: dev, no_answer, twins, calibration, align, translations, BEIR set names or folders",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    search_args = {"alpha": args.alpha, "fusion": args.fusion}
    figures: dict[str, dict] = {}
    wanted = args.sets.split(",")
    own = {"dev", "align", "translations", "no_answer", "twins", "calibration"}
    for name in set(wanted) - own:  # a misspelt set fails now, not after the sets before it have run
        try:
            beir_files(_beir_folder(name, args.shared))
        except ValueError as error:
            parser.error(f"--sets {name}: {error}")
    engine = SearchEngine(args.index) if own & set(wanted) else None
    for name in wanted:
        if name == "dev":
            assert engine is not None
            queries = args.queries or args.shared / "eval" / "dev_queries.jsonl"
            figures["dev"] = {m: evaluate_dev(engine, queries, mode=m, **search_args) for m in modes}
            print(f"judged queries ({queries.name}):")
            _print_dev(figures["dev"], modes)
        elif name == "align":
            assert engine is not None
            gold = args.align or args.shared / "eval" / "dev_align_004.jsonl"
            figures["align"] = row = evaluate_alignment(engine, gold)
            print(
                f"alignment ({gold.name}, {row['n']} pairs): "
                f"precision {row['precision']:.3f} recall {row['recall']:.3f}"
            )
        elif name == "no_answer":
            assert engine is not None
            path = args.shared / "eval" / "dev_no_answer.jsonl"
            figures["no_answer"] = {m: evaluate_no_answer(engine, path, mode=m, **search_args) for m in modes}
            shares = "  ".join(f"{m} {row['empty']:.2f}" for m, row in figures["no_answer"].items())
            print(f"no-answer queries ({path.name}), share answered with nothing: {shares}")
        elif name == "twins":
            assert engine is not None
            twins, originals = args.shared / "eval" / "dev_xl_queries.jsonl", args.shared / "eval" / "dev_queries.jsonl"
            figures["twins"] = {m: evaluate_twins(engine, twins, originals, mode=m, **search_args) for m in modes}
            for mode, row in figures["twins"].items():
                print(
                    f"Kazakh twins ({mode}, {row['kazakh']['n']}): Recall@10 {row['kazakh']['recall@10']:.3f} "
                    f"nDCG@10 {row['kazakh']['ndcg@10']:.3f}; Russian originals Recall@10 "
                    f"{row['russian']['recall@10']:.3f} nDCG@10 {row['russian']['ndcg@10']:.3f}; "
                    f"ratio {row['recall_ratio']:.2f}"
                )
        elif name == "calibration":
            assert engine is not None
            paths = [args.shared / "eval" / n for n in ("dev_queries.jsonl", "dev_xl_queries.jsonl")]
            figures["calibration"] = row = evaluate_calibration(engine, paths)
            groups = "  ".join(
                f"{g['from']:.1f}+: {g['n']} at {g['confidence']:.2f} → {g['answers']:.2f}" for g in row["groups"]
            )
            print(f"confidence calibration ({row['n']} results): {groups}; ECE {row['ece']:.3f}")
        else:
            if name == "translations":
                assert engine is not None
                folder = write_translation_set(engine, args.work / "sets" / name)
            else:
                folder = _beir_folder(name, args.shared)
            beir_engine = SearchEngine(index_beir(folder, args.work))
            figures[folder.name] = {m: evaluate_beir(folder, beir_engine, mode=m, **search_args) for m in modes}
            beir_engine.close()
            for mode, row in figures[folder.name].items():
                print(
                    f"{folder.name} ({mode}, {row['n']} queries): nDCG@10 {row['ndcg@10']:.3f}  "
                    f"Recall@100 {row['recall@100']:.3f}  P@1 {row['p@1']:.3f}"
                )
    if engine:
        engine.close()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _beir_folder(name: str, shared: Path) -> Path:
    """A BEIR set named on the command line: a folder, or a set of the shared data."""
    return Path(name) if "/" in name else shared / "data" / name


if __name__ == "__main__":
    sys.exit(main())

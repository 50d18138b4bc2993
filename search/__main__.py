"""Command line: ``python -m search "query"`` and ``python -m search --batch FILE.jsonl``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from html import unescape
from pathlib import Path
from typing import Any

from indexer.generation import IndexNotFound
from indexer.language import LANGUAGES
from indexer.settings import Settings, SettingsError
from indexer.threads import limit_blas_threads
from search.engine import DEFAULT_MODE, MODES, SearchEngine, SearchError
from search.fusion import METHODS

_LISTED_DOCS = 20  # document ids named in the error for an unknown --doc


def _plain(snippet_html: str) -> str:
    """A snippet for the terminal: marks shown as [brackets]."""
    return unescape(snippet_html.replace("<mark>", "[").replace("</mark>", "]"))


def _print_readable(response: Mapping[str, Any]) -> None:
    print(
        f"{response['total']} paragraphs for {response['query']!r} ({response['mode']}, {response['took_ms']:.0f} ms)"
    )
    for note in response["notes"]:
        print(f"note: {note}")
    if not response["results"]:
        print("Nothing in the reports matches this query.")
        if response["unknown_words"]:
            print(f"No report contains these words: {', '.join(response['unknown_words'])}.")
        if response["did_you_mean"]:
            print(f"Did you mean: {response['did_you_mean']}")
        print("Try fewer or other words, or the other language (many answers exist only in Russian).")
    elif response["did_you_mean"]:
        print(f"Did you mean: {response['did_you_mean']}")
    for rank, result in enumerate(response["results"], start=1):
        number = f"para. {result['label']}" if result["label"] else f"¶{result['ordinal']}"
        section = f" · {result['section']}" if result["section"] else ""
        print(
            f"\n{rank}. {result['doc_title']}, {number}{section}  "
            f"[{result['lang']}, {result['score']:.2f}, {result['evidence']}, confidence {result['confidence']:.2f}, "
            f"{result['id']}]"
        )
        print(f"   {_plain(result['snippet_html'])}")


def _filter_problem(engine: SearchEngine, lang: str | None, doc: str | None) -> str | None:
    """What is wrong with ``--lang`` or ``--doc``, naming the values that would do; None if both are right."""
    if lang is not None and lang not in LANGUAGES:
        counts = engine.generation.manifest.get("counts", {}).get("by_lang", {})
        present = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
        return f"unknown language {lang!r}: choose {', '.join(LANGUAGES)} (paragraphs in this index: {present})"
    doc_ids = [document["doc_id"] for document in engine.documents()] if doc is not None else []
    if doc is not None and doc not in doc_ids:
        shown = ", ".join(doc_ids[:_LISTED_DOCS])
        if len(doc_ids) > _LISTED_DOCS:
            shown += f" … ({len(doc_ids)} in all)"
        return f"no document {doc!r} in this index: choose one of {shown}"
    return None


def main(argv: list[str] | None = None) -> int:
    limit_blas_threads()
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m search", description="Search the kazsearch index.")
    parser.add_argument("query", nargs="?", help='what to look for; "quoted phrase", prefix*, fuzzy~, -exclude')
    parser.add_argument("--batch", type=Path, help='JSON lines {"id", "query"} in; {"id", "results"} out')
    parser.add_argument("--mode", choices=MODES, default=DEFAULT_MODE, help=f"default: {DEFAULT_MODE}")
    parser.add_argument("--alpha", type=float, help="hybrid: weight of meaning, 0 (keyword) … 1 (meaning)")
    parser.add_argument("--fusion", choices=METHODS, default="weighted", help="hybrid: score fusion (default weighted)")
    parser.add_argument("--model", help="fail unless the index was embedded with this model id")
    parser.add_argument("--k", type=int, default=10, help="results to return (default 10)")
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--lang", help="only paragraphs in this language (kk, ru, en, other)")
    parser.add_argument("--doc", help="only paragraphs of this document id")
    parser.add_argument("--json", action="store_true", help="print the API's response object")
    parser.add_argument("--index", type=Path, default=settings.index, help=f"index folder (default: {settings.index})")
    args = parser.parse_args(argv)
    if (args.query is None) == (args.batch is None):
        parser.error("give a query or --batch FILE, not both")
    if args.batch and not args.batch.is_file():
        print(f"error: {args.batch}: no such file", file=sys.stderr)
        return 2
    try:
        engine = SearchEngine(args.index, model=args.model, models_dir=settings.models_dir)
    except (IndexNotFound, SearchError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    problem = _filter_problem(engine, args.lang, args.doc)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    options = {
        "k": args.k,
        "offset": args.offset,
        "mode": args.mode,
        "alpha": args.alpha,
        "fusion": args.fusion,
        "lang": args.lang,
        "doc": args.doc,
    }
    try:
        if args.batch:
            with open(args.batch, encoding="utf-8") as lines:
                for line_no, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        item = json.loads(line)
                        query_id, text = item["id"], item["query"]
                    except (json.JSONDecodeError, KeyError, TypeError):
                        print(f'error: {args.batch}, line {line_no}: expected {{"id", "query"}}', file=sys.stderr)
                        return 2
                    results = engine.search(text, **options)["results"]
                    print(json.dumps({"id": query_id, "results": results}, ensure_ascii=False))
            return 0
        response = engine.search(args.query, **options)
    except SearchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:  # the batch file could not be read
        reason = error.strerror if isinstance(error, OSError) else error
        print(f"error: {args.batch}: {reason}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        _print_readable(response)
    return 0


if __name__ == "__main__":
    sys.exit(main())

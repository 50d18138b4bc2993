"""Command line: ``python -m indexer [PATH ...] [--index DIR] [--model ID]`` and ``--dump paragraphs|alignment``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from indexer.build import NoDocuments, build_index
from indexer.embedding_cache import DEFAULT_CACHE
from indexer.encoders import DEFAULT_MODEL, EncoderError
from indexer.generation import DEFAULT_INDEX, IndexNotFound, published_generation

DEFAULT_CORPUS = Path(os.environ.get("KAZSEARCH_CORPUS", "corpus"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Index reports for kazsearch.")
    parser.add_argument("paths", nargs="*", type=Path, help=f"files or folders to index (default: {DEFAULT_CORPUS}/)")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"index folder (default: {DEFAULT_INDEX})")
    parser.add_argument(
        "--dump", choices=["paragraphs", "alignment"], help="print the published generation's records as JSON lines"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"embedding model id (default: {DEFAULT_MODEL})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"embedding cache (default: {DEFAULT_CACHE})")
    parser.add_argument("--force", action="store_true", help="rebuild even if the corpus is unchanged")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.dump:
        try:
            generation = published_generation(args.index)
        except IndexNotFound as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        records = generation.read_paragraphs() if args.dump == "paragraphs" else generation.read_alignment()
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0

    paths = args.paths or [DEFAULT_CORPUS]
    try:
        report = build_index(
            paths, args.index, force=args.force, progress=not args.quiet, model=args.model, cache_dir=args.cache
        )
    except EncoderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except NoDocuments as error:
        print(f"error: {error}; the published index, if any, is unchanged", file=sys.stderr)
        return 1
    for problem in report.skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    if report.up_to_date:
        print(
            f"index {args.index}/{report.generation} is up to date ({report.documents} documents, "
            f"{report.paragraphs} paragraphs); use --force to rebuild"
        )
        return 0
    langs = ", ".join(f"{lang} {n}" for lang, n in sorted(report.paragraphs_by_lang.items()))
    print(
        f"indexed {report.documents} documents, {report.paragraphs} paragraphs ({langs}) "
        f"in {report.seconds:.1f} s ({report.embedded} embedded, the rest from the cache) "
        f"→ {args.index}/{report.generation}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

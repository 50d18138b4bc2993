"""Command line: ``python -m indexer [PATH ...] [--index DIR] [--model ID] [--ray [ADDRESS]]`` and ``--dump
paragraphs|alignment``.

Every failure a user can cause (a bad catalogue, an index folder that cannot be written, another indexer
publishing, a missing generation) ends in ``error: …`` lines and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path

from indexer.build import NoDocuments, build_index
from indexer.catalog import CatalogError
from indexer.embedding_cache import TaskMap
from indexer.encoders import EncoderError
from indexer.generation import IndexNotFound, PublishError, published_generation
from indexer.settings import Settings, SettingsError

WATCH_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Index reports for kazsearch.")
    parser.add_argument("paths", nargs="*", type=Path, help=f"files or folders to index (default: {settings.corpus}/)")
    parser.add_argument("--index", type=Path, default=settings.index, help=f"index folder (default: {settings.index})")
    parser.add_argument(
        "--dump", choices=["paragraphs", "alignment"], help="print the published generation's records as JSON lines"
    )
    parser.add_argument("--model", default=settings.model, help=f"embedding model id (default: {settings.model})")
    parser.add_argument(
        "--cache", type=Path, default=settings.cache, help=f"embedding cache (default: {settings.cache})"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if the corpus is unchanged")
    parser.add_argument(
        "--max-file-mb",
        type=_megabytes,
        default=str(settings.max_file_mb),
        help=f"skip files larger than this (default: {settings.max_file_mb:g}, or $KAZSEARCH_MAX_FILE_MB)",
    )
    parser.add_argument("--wait", action="store_true", help="wait for another indexer publishing here to finish")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--watch",
        type=float,
        nargs="?",
        const=WATCH_SECONDS,
        metavar="SECONDS",
        help=f"keep following the folders: update the index when files change (every {WATCH_SECONDS:g} s)",
    )
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="read and embed on a Ray cluster's workers: ADDRESS is its head's HOST:PORT (alone: $RAY_ADDRESS, "
        "else a Ray instance on this machine); give it after the paths. Needs pip install 'kazsearch[ray]'",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.dump:
        try:
            generation = published_generation(args.index)
            if args.dump == "paragraphs":
                records = [record.to_json() for record in generation.read_paragraphs()]
            else:
                records = generation.read_alignment()
        except (IndexNotFound, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0

    paths = args.paths or [settings.corpus]
    if args.ray is None:
        return _index_or_follow(args, paths, settings, map)
    try:
        from indexer.ray_cluster import RayTasks  # Ray is imported only for --ray
    except ImportError as error:
        print(f"error: --ray needs Ray ({error}): pip install 'kazsearch[ray]'", file=sys.stderr)
        return 2
    try:
        cluster = RayTasks(args.ray or None, settings.models_dir)
    except ConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with cluster:
        return _index_or_follow(args, paths, settings, cluster)


def _index_or_follow(args: argparse.Namespace, paths: list[Path], settings: Settings, tasks: TaskMap) -> int:
    """One build, or with --watch one every few seconds until Ctrl-C; the exit status."""
    if args.watch is None:
        return _index(args, paths, settings, args.force, tasks)
    print(f"following {', '.join(map(str, paths))} (Ctrl-C to stop)", flush=True)
    force = args.force
    try:
        while True:  # a failed round (a catalogue being edited, another indexer) is said and tried again
            _index(args, paths, settings, force, tasks, following=True)
            force = False
            time.sleep(args.watch)
    except KeyboardInterrupt:
        return 0


def _index(
    args: argparse.Namespace,
    paths: list[Path],
    settings: Settings,
    force: bool,
    tasks: TaskMap,
    following: bool = False,
) -> int:
    """One build or update, its outcome printed; the exit status. ``following``: a round of --watch."""
    try:
        report = build_index(
            paths,
            args.index,
            force=force,
            progress=not args.quiet,
            model=args.model,
            cache_dir=args.cache,
            max_file_mb=args.max_file_mb,
            wait=args.wait or following,  # a follower waits its turn
            models_dir=settings.models_dir,
            tasks=tasks,
        )
    except CatalogError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("error: nothing was indexed; the published index, if any, is unchanged", file=sys.stderr)
        return 2
    except (EncoderError, PublishError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # The disk filled up, a folder vanished, a Ray cluster lost its workers (a ConnectionError) …: the published
    # index is untouched.
    except OSError as error:
        print(f"error: {error}; the published index, if any, is unchanged", file=sys.stderr)
        return 2
    except NoDocuments as error:
        print(f"error: {error}; the published index, if any, is unchanged", file=sys.stderr)
        return 1
    if report.up_to_date and following:  # a follower says only what changed
        return 0
    for problem in report.skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    if report.up_to_date:
        print(
            f"index {args.index}/{report.generation} is up to date ({report.documents} documents, "
            f"{report.paragraphs} paragraphs); use --force to rebuild"
        )
        return 0
    langs = ", ".join(f"{lang} {n}" for lang, n in sorted(report.paragraphs_by_lang.items()))
    read = f" (read {report.read}, kept {report.carried_over} unchanged)" if report.carried_over else ""
    print(
        f"indexed {report.documents} documents{read}, {report.paragraphs} paragraphs ({langs}) "
        f"in {report.seconds:.1f} s ({report.embedded} embedded, the rest from the cache) "
        f"→ {args.index}/{report.generation}"
    )
    return 0


def _megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0.0
    if not 0 < megabytes < math.inf:
        raise argparse.ArgumentTypeError(f"expected a positive number of megabytes, not {value!r}")
    return megabytes


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m web [--host 127.0.0.1] [--port 8000] [--index DIR]`` serves kazsearch.

The server is waitress: a pure-Python, production WSGI server whose threads run searches in parallel where
it matters (the encoder and NumPy release the GIL), with one copy of the index and model in memory.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from indexer.generation import IndexNotFound, published_generation
from indexer.settings import Settings, SettingsError
from web import create_app
from web.live_engine import IndexUnavailable
from web.server import serve


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m web", description="Serve the kazsearch web front end.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--index", type=Path, default=settings.index, help=f"index folder (default: {settings.index})")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")
    parser.add_argument(
        "--searchers", type=int, default=1, help="phrase look-ups at once; each costs memory (default: 1)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        published_generation(args.index)
    except IndexNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app = create_app(args.index, searchers=args.searchers, settings=settings)
    live = app.extensions["kazsearch"]
    try:
        engine = live.acquire()  # load the index and the model before the first request
    except IndexUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    engine.search("kazsearch", k=1)  # and start the encoder
    live.release(engine)
    print(f"kazsearch serving {args.index} on http://{args.host}:{args.port}/", flush=True)
    serve(app, args.host, args.port, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())

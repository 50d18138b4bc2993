"""The search engine of the currently published generation, swapped in when a new one is published.

Each request borrows the engine once (``current_engine``) and returns it when the request ends, so a request in
flight finishes on the generation it started with while the next one sees the new generation; a replaced
engine is closed when its last request is done. The pointer is looked at (a ``stat``) at most every
``reload_seconds``; one request opens the new generation while the others go on with the old one. A new
generation that cannot be opened leaves the old one serving (and is tried again later); with no engine at all,
requests get ``IndexUnavailable`` (a 503 with ``Retry-After``) saying what is wrong.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g

from indexer.generation import POINTER, IndexNotFound
from search.engine import SearchEngine, SearchError

log = logging.getLogger(__name__)

EngineFactory = Callable[[Path], SearchEngine]


class IndexUnavailable(RuntimeError):
    """No generation can be served now; the message says why."""


@dataclass
class _Loaded:
    engine: SearchEngine
    pointer: tuple[int, int]  # the pointer file's (inode, mtime) when the engine was opened
    users: int = 0
    retired: bool = False


class LiveEngine:
    def __init__(self, index_dir: Path, reload_seconds: float = 2.0, open_engine: EngineFactory = SearchEngine) -> None:
        self.index_dir = Path(index_dir)
        self.reload_seconds = reload_seconds
        self._open_engine = open_engine
        self._lock = threading.Lock()  # guards _loaded and the users counts
        self._reloading = threading.Lock()  # one request at a time opens a new generation
        self._loaded: _Loaded | None = None
        self._retired: list[_Loaded] = []  # replaced engines that requests still use
        self._checked = float("-inf")
        self._problem = f"no index published in {self.index_dir}: run `python -m indexer` first"

    def acquire(self) -> SearchEngine:
        """The engine of the published generation, borrowed until ``release``; IndexUnavailable if none."""
        if time.monotonic() - self._checked >= self.reload_seconds:
            self._reload()
        with self._lock:
            if self._loaded is None:
                raise IndexUnavailable(self._problem)
            self._loaded.users += 1
            return self._loaded.engine

    def release(self, engine: SearchEngine) -> None:
        with self._lock:
            for loaded in [self._loaded, *self._retired]:
                if loaded is not None and loaded.engine is engine:
                    loaded.users -= 1
                    self._close_if_done(loaded)
                    return

    def close(self) -> None:
        with self._lock:
            if self._loaded is not None:
                self._loaded.retired = True
                self._close_if_done(self._loaded)
                self._loaded = None

    def _reload(self) -> None:
        # Without an engine every request waits for the load; with one, they go on while one request loads.
        if not self._reloading.acquire(blocking=self._loaded is None):
            return
        try:
            if time.monotonic() - self._checked < self.reload_seconds:
                return  # another request has just looked
            pointer = self._pointer_stamp()
            self._checked = time.monotonic()
            if pointer is None or (self._loaded is not None and pointer == self._loaded.pointer):
                return
            try:
                fresh = self._open_engine(self.index_dir)
            except (IndexNotFound, SearchError, OSError, ValueError) as error:
                self._problem = f"the index in {self.index_dir} cannot be opened: {error}"
                log.warning("%s%s", self._problem, "; still serving the generation already open" * bool(self._loaded))
                return
            with self._lock:
                old, self._loaded = self._loaded, _Loaded(fresh, pointer)
                if old is not None:
                    log.info("index generation %s replaces %s", fresh.generation.name, old.engine.generation.name)
                    old.retired = True
                    self._retired.append(old)
                    self._close_if_done(old)
        finally:
            self._reloading.release()

    def _close_if_done(self, loaded: _Loaded) -> None:
        if loaded.retired and loaded.users == 0:
            loaded.engine.close()
            if loaded in self._retired:
                self._retired.remove(loaded)
            log.info("closed index generation %s", loaded.engine.generation.name)

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.index_dir / POINTER)
        except OSError:
            return None
        return status.st_ino, status.st_mtime_ns


def init_app(app: Flask, live: LiveEngine) -> None:
    app.extensions["kazsearch"] = live

    @app.teardown_request
    def release_engine(_error: BaseException | None) -> None:
        engine = g.pop("kazsearch_engine", None)
        if engine is not None:
            live.release(engine)


def current_engine() -> SearchEngine:
    """The engine for this request: borrowed on first use, returned when the request ends."""
    if "kazsearch_engine" not in g:
        g.kazsearch_engine = current_app.extensions["kazsearch"].acquire()
    return g.kazsearch_engine

"""The search engine of the currently published generation, swapped in when a new one is published.

Each request takes the engine once (``LiveEngine.get``) and keeps it to the end, so a request in flight finishes
on the generation it started with while the next request sees the new one; no restart, no failed request.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import current_app

from indexer.generation import POINTER
from search.engine import SearchEngine

log = logging.getLogger(__name__)


class LiveEngine:
    def __init__(self, index_dir: Path, reload_seconds: float = 2.0) -> None:
        self.index_dir = Path(index_dir)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._engine: SearchEngine | None = None
        self._pointer: str | None = None
        self._checked = 0.0

    def get(self) -> SearchEngine:
        """The engine of the published generation (IndexNotFound if there is none yet)."""
        engine = self._engine
        if engine is not None and time.monotonic() - self._checked < self.reload_seconds:
            return engine
        with self._lock:
            self._checked = time.monotonic()
            pointer = self._read_pointer()
            if self._engine is None or pointer != self._pointer:
                fresh = SearchEngine(self.index_dir)
                if self._engine is not None:
                    log.info("index generation %s replaces %s", fresh.generation.name, self._engine.generation.name)
                # The old engine is not closed here: requests still using it finish on it.
                self._engine, self._pointer = fresh, pointer
            return self._engine

    def _read_pointer(self) -> str | None:
        try:
            return (self.index_dir / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None


def current_engine() -> SearchEngine:
    """The engine for this request, from the app's LiveEngine."""
    return current_app.extensions["kazsearch"].get()

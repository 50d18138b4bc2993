"""Process-wide thread limits, set once at start-up by each entry point (CLIs, the web app, benchmarks)."""

from __future__ import annotations

from functools import cache

import numpy  # noqa: F401 - loads the BLAS library, which threadpoolctl can only limit once it is loaded
from threadpoolctl import threadpool_limits


@cache
def limit_blas_threads() -> None:
    """One BLAS thread: a matrix-vector product gains nothing from more, and BLAS threads spinning against the
    encoder's OpenMP threads made semantic search 3x slower at 10k paragraphs on two cores."""
    threadpool_limits(limits=1, user_api="blas")

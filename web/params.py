"""Request parameters read and checked once, for the API and the pages alike: bad input is a BadParameter
(shown as a 400 with a message), never a 500."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from search.engine import DEFAULT_MODE, MAX_K, MODES
from search.fusion import METHODS
from search.query import MAX_QUERY_CHARS

MAX_OFFSET = 1000
MAX_DROPPED = 20  # translation terms left out (``drop``): a query translates to a handful


class BadParameter(ValueError):
    pass


def search_params(args: MultiDict, known_docs: set[str], default_k: int = 10) -> dict:
    """The ``SearchEngine.search`` arguments for a request's query string."""
    return {
        # An over-long query is cut, not refused (MAX_QUERY_CHARS, documented in the API).
        "query": args.get("q", "")[:MAX_QUERY_CHARS],
        "k": k_param(args, default_k),
        "offset": _integer(args, "offset", 0, 0, MAX_OFFSET),
        "mode": _choice(args, "mode", DEFAULT_MODE, MODES),
        "alpha": _fraction(args, "alpha"),
        "fusion": _choice(args, "fusion", "weighted", METHODS),
        "lang": _choice(args, "lang", None, ("ru", "kk", "en", "other")),
        "doc": _choice(args, "doc", None, tuple(sorted(known_docs))),
        # Terms of the query's translation not to search: a word per value, at most MAX_DROPPED.
        "drop": tuple(dict.fromkeys(term.strip().lower()[:60] for term in args.getlist("drop")[:MAX_DROPPED])),
    }


def k_param(args: MultiDict, default: int = 10) -> int:
    """How many results a request asks for (``k``), 1 … MAX_K."""
    return _integer(args, "k", default, 1, MAX_K)


def _number(
    args: MultiDict, name: str, default: float | None, low: float, high: float, kind: type[int] | type[float]
) -> float | None:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise BadParameter(f"{name} must be {noun} between {low} and {high}, got {raw[:40]!r}") from None
    if not low <= value <= high:  # also refuses nan
        raise BadParameter(f"{name} must be between {low} and {high}")
    return value


def _integer(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    value = _number(args, name, default, low, high, int)
    assert value is not None  # there is a default
    return int(value)


def _fraction(args: MultiDict, name: str) -> float | None:
    """alpha: 0 (keywords only) … 1 (meaning only)."""
    return _number(args, name, None, 0.0, 1.0, float)


def _choice(args: MultiDict, name: str, default: str | None, choices: tuple[str, ...]) -> str | None:
    raw = args.get(name, "")
    if raw == "":
        return default
    if raw not in choices:
        raise BadParameter(f"{name} must be one of {', '.join(choices)}")
    return raw

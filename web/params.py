"""Request parameters read and checked once, for the API and the pages alike: bad input is a BadParameter
(shown as a 400 with a message), never a 500."""

from __future__ import annotations

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from indexer.catalog import YEARS
from search.engine import DEFAULT_MODE, DEFAULT_SORT, MAX_K, MODES, SORTS
from search.fusion import METHODS
from search.query import MAX_QUERY_CHARS

MAX_OFFSET = 1000
MAX_DROPPED = 20  # translation terms left out (``drop``): a query translates to a handful


class BadParameter(ValueError):
    """A parameter the request got wrong; its message is in the interface's language (parameters are read
    while a request is answered)."""


def search_params(args: MultiDict, known_docs: set[str], default_k: int = 10) -> dict:
    """The ``SearchEngine.search`` arguments for a request's query string."""
    page = {"k": k_param(args, default_k), "offset": _integer(args, "offset", 0, 0, MAX_OFFSET)}
    return query_params(args, known_docs) | page


def export_params(args: MultiDict, known_docs: set[str], formats: tuple[str, ...]) -> tuple[str, dict]:
    """The format (the first of ``formats`` by default) and the ``SearchEngine.ranking`` arguments, but the
    limit, of an export request: a query and the filters of a search."""
    chosen = _choice(args, "format", formats[0], formats)
    params = query_params(args, known_docs)
    if not params["query"].strip():
        raise BadParameter(gettext("q is empty: give the query whose results to export"))
    assert chosen is not None  # there is a default
    return chosen, params


def query_params(args: MultiDict, known_docs: set[str]) -> dict:
    """What to search and which results to keep: the arguments a search and an export share."""
    year_from, year_to = _year(args, "year_from"), _year(args, "year_to")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadParameter(
            gettext(
                "year_from (%(first)s) is after year_to (%(last)s): give the earlier year first",
                first=year_from,
                last=year_to,
            )
        )
    return {
        # An over-long query is cut, not refused (MAX_QUERY_CHARS, documented in the API).
        "query": args.get("q", "")[:MAX_QUERY_CHARS],
        "mode": _choice(args, "mode", DEFAULT_MODE, MODES),
        "alpha": _fraction(args, "alpha"),
        "fusion": _choice(args, "fusion", "weighted", METHODS),
        "lang": _choice(args, "lang", None, ("ru", "kk", "en", "other")),
        "doc": _choice(args, "doc", None, tuple(sorted(known_docs))),
        # Terms of the query's translation not to search: a word per value, at most MAX_DROPPED.
        "drop": tuple(dict.fromkeys(term.strip().lower()[:60] for term in args.getlist("drop")[:MAX_DROPPED])),
        "year_from": year_from,
        "year_to": year_to,
        "sort": _choice(args, "sort", DEFAULT_SORT, SORTS),
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
        given = {"name": name, "low": low, "high": high, "value": repr(raw[:40])}
        message = (
            gettext("%(name)s must be a whole number between %(low)s and %(high)s, got %(value)s", **given)
            if kind is int
            else gettext("%(name)s must be a number between %(low)s and %(high)s, got %(value)s", **given)
        )
        raise BadParameter(message) from None
    if not low <= value <= high:  # also refuses nan
        raise BadParameter(gettext("%(name)s must be between %(low)s and %(high)s", name=name, low=low, high=high))
    return value


def _integer(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    value = _number(args, name, default, low, high, int)
    assert value is not None  # there is a default
    return int(value)


def _year(args: MultiDict, name: str) -> int | None:
    """A year filter (``year_from``, ``year_to``): a whole number from YEARS, or None."""
    value = _number(args, name, None, YEARS.start, YEARS.stop - 1, int)
    return None if value is None else int(value)


def _fraction(args: MultiDict, name: str) -> float | None:
    """alpha: 0 (keywords only) … 1 (meaning only)."""
    return _number(args, name, None, 0.0, 1.0, float)


def _choice(args: MultiDict, name: str, default: str | None, choices: tuple[str, ...]) -> str | None:
    raw = args.get(name, "")
    if raw == "":
        return default
    if raw not in choices:
        raise BadParameter(gettext("%(name)s must be one of %(choices)s", name=name, choices=", ".join(choices)))
    return raw

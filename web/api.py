"""The JSON API (DESIGN.md, "The JSON API is the contract"): search, paragraphs, similar paragraphs,
documents and OpenSearch suggestions. Errors are JSON too (``web/errors.py``): ``{"error": "..."}``."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request, url_for

from search.suggest import MAX_PREFIX_CHARS
from web.live_engine import current_engine as engine
from web.params import k_param, search_params

bp = Blueprint("api", __name__)


@bp.get("/search")
def search():
    current = engine()
    params = search_params(request.args, {d["doc_id"] for d in current.documents()})
    return jsonify(current.search(**params))


@bp.get("/paragraph/<path:paragraph_id>")
def paragraph(paragraph_id: str) -> Response:
    found = engine().paragraph_json(paragraph_id)
    if found is None:
        abort(404, f"no paragraph {paragraph_id!r}")
    return jsonify(found)


@bp.get("/similar/<path:paragraph_id>")
def similar(paragraph_id: str) -> Response:
    results = engine().similar(paragraph_id, k_param(request.args))
    if results is None:
        abort(404, f"no paragraph {paragraph_id!r}")
    return jsonify({"id": paragraph_id, "results": results})


@bp.get("/documents")
def documents():
    return jsonify({"documents": engine().documents()})


@bp.get("/suggest")
def suggest():
    """OpenSearch suggestions: ``[prefix, [completions], [descriptions], [search URLs]]``."""
    prefix = request.args.get("q", "")[:MAX_PREFIX_CHARS]
    completions = engine().suggester.complete(prefix)
    return jsonify(
        [
            prefix,
            [text for text, _ in completions],
            [f"{count} ¶" for _, count in completions],
            [url_for("pages.search", q=text, _external=True) for text, _ in completions],
        ]
    )

"""The JSON API (DESIGN.md, "The JSON API is the contract"): search, exports, paragraphs, similar paragraphs,
documents and OpenSearch suggestions. Citations are written, and languages named in facets, in the interface's
language. Errors are JSON too (``web/errors.py``): ``{"error": "..."}``."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context, url_for
from flask_babel import gettext

from search.contract import FacetsJSON
from search.suggest import MAX_PREFIX_CHARS
from web.export import EXPORT_CAP, FORMATS, ExportRow
from web.i18n import LANGUAGE_NAMES, ui_language
from web.live_engine import current_engine as engine
from web.params import export_params, k_param, search_params

bp = Blueprint("api", __name__)


@bp.get("/search")
def search():
    current = engine()
    params = search_params(request.args, {d["doc_id"] for d in current.documents()})
    response = current.search(**params, reader_language=ui_language())
    _name_languages(response["facets"])
    return jsonify(response)


@bp.get("/export")
def export() -> Response:
    """Every result of a query (up to EXPORT_CAP) as a CSV, RIS or BibTeX file, streamed as it is written."""
    current = engine()
    chosen, params = export_params(request.args, {d["doc_id"] for d in current.documents()}, tuple(FORMATS))
    ranking = current.ranking(**params, limit=EXPORT_CAP)  # ranked now: bad input is a 400, not a broken file
    language, site = ui_language(), request.url_root.rstrip("/")
    rows = (ExportRow.of(record, current.citation(record), language, site) for record in ranking.records)
    file = FORMATS[chosen]
    # The request's context (and the engine it borrowed) lasts until the last row is written.
    response = Response(stream_with_context(file.write(rows)), content_type=file.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="kazsearch-results.{file.extension}"'
    response.headers["X-Export-Cap"] = str(EXPORT_CAP)
    response.headers["X-Total-Count"] = str(ranking.total)
    return response


@bp.get("/paragraph/<path:paragraph_id>")
def paragraph(paragraph_id: str) -> Response:
    found = engine().paragraph_json(paragraph_id, ui_language())
    if found is None:
        abort(404, gettext("No paragraph %(id)s.", id=repr(paragraph_id)))
    return jsonify(found)


@bp.get("/similar/<path:paragraph_id>")
def similar(paragraph_id: str) -> Response:
    results = engine().similar(paragraph_id, k_param(request.args), ui_language())
    if results is None:
        abort(404, gettext("No paragraph %(id)s.", id=repr(paragraph_id)))
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


def _name_languages(facets: FacetsJSON) -> None:
    """The language facet's labels in the interface's language (the engine gives codes)."""
    for facet in facets["lang"]:
        facet["label"] = str(LANGUAGE_NAMES.get(str(facet["value"]), facet["label"]))

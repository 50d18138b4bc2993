"""HTML pages: search, paragraph, document and Kazakh–Russian comparison views, and the OpenSearch
description. Every page works without JavaScript; ``static/app.js`` only adds copying and live suggestions."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request

from indexer.records import ParagraphRecord
from search.citation import paragraph_url
from search.contract import ResultJSON
from search.engine import MODES, SearchEngine
from search.fusion import DEFAULT_ALPHA
from web.i18n import ui_language
from web.live_engine import current_engine as engine
from web.params import search_params

bp = Blueprint("pages", __name__)
PAGE_SIZE = 10


def citation(item: ParagraphRecord | ResultJSON, section: bool = True) -> str:
    """The citation of a record or a search result in the interface's language (``search/citation.py``): what
    a lawyer pastes; ``section``: with the heading the paragraph falls under."""
    current = engine()
    record = item if isinstance(item, ParagraphRecord) else current.paragraph(item["id"])
    assert record is not None  # a result's paragraph is in the engine that found it
    return current.citation(record).text(ui_language(), with_section=section)


def paragraph_link(item: ParagraphRecord | ResultJSON) -> str:
    """The paragraph in its document, for a record or a search result (which carries its URL)."""
    return paragraph_url(item) if isinstance(item, ParagraphRecord) else item["url"]


def with_args(**changes: object) -> str:
    """This page's query string with some parameters changed (for paging and language links); a list value
    becomes a repeated parameter (``drop``), and repeated parameters of the page are kept."""
    args = request.args.to_dict(flat=False) | {
        name: [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        for name, value in changes.items()
    }
    return "?" + urlencode(args, doseq=True)


@bp.app_context_processor
def helpers() -> dict:
    return {"citation": citation, "paragraph_link": paragraph_link, "with_args": with_args}


@bp.get("/")
@bp.get("/search")
def search():
    current = engine()
    documents = current.documents()
    params = search_params(request.args, {d["doc_id"] for d in documents}, default_k=PAGE_SIZE)
    response = None
    if params["query"].strip():
        response = current.search(**params, mark_sentences=True, reader_language=ui_language())
    return render_template(
        "search.html",
        params=params,
        response=response,
        documents=documents,
        modes=MODES,
        default_alpha=DEFAULT_ALPHA,
    )


@bp.get("/p/<path:paragraph_id>")
def paragraph(paragraph_id: str):
    current = engine()
    record = current.paragraph(paragraph_id) or abort(404)
    before, after = current.neighbours(paragraph_id)
    return render_template(
        "paragraph.html",
        record=record,
        before=before,
        after=after,
        translation=current.translation(paragraph_id),
        similar=current.similar(paragraph_id, 5),
    )


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    current = engine()
    info = _document_info(current, doc_id)
    paragraphs = current.document_paragraphs(doc_id)
    bilingual = {p.lang for p in paragraphs} >= {"kk", "ru"}
    return render_template("document.html", info=info, paragraphs=paragraphs, bilingual=bilingual)


@bp.get("/compare/<doc_id>")
def compare(doc_id: str):
    current = engine()
    info = _document_info(current, doc_id)
    rows = current.parallel(doc_id)
    if not any(row.aligned for row in rows):
        abort(404)
    return render_template("compare.html", info=info, rows=rows)


def _document_info(current: SearchEngine, doc_id: str) -> dict:
    """The catalogue entry of an indexed document, or a 404."""
    return next((d for d in current.documents() if d["doc_id"] == doc_id), None) or abort(404)


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", base=request.url_root.rstrip("/"))
    return Response(xml, mimetype="application/opensearchdescription+xml")

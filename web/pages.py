"""HTML pages: search, paragraph, document and Kazakh–Russian comparison views (and its TMX), and the
OpenSearch description. Every page works without JavaScript; ``static/app.js`` only adds copying and live
suggestions. A result links to its paragraph in the document and to the comparison view with the query it
answers (``?q=``), so that both mark its words."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from indexer.records import ParagraphRecord
from search.citation import paragraph_url
from search.contract import ResultJSON
from search.engine import MODES, SearchEngine
from search.fusion import DEFAULT_ALPHA
from search.outline import outline
from search.parallel import ParallelRow
from search.query import MAX_QUERY_CHARS
from web.i18n import ui_language
from web.live_engine import current_engine as engine
from web.params import search_params
from web.tmx import MEDIA_TYPE, translation_memory

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
    """The paragraph in its document, for a record or a search result (which carries its URL); a result
    carries the page's query too, so that the document marks its words."""
    if isinstance(item, ParagraphRecord):
        return paragraph_url(item)
    path, hash_sign, fragment = item["url"].partition("#")
    query = page_query()
    return f"{path}?{urlencode({'q': query})}{hash_sign}{fragment}" if query else item["url"]


def compare_link(item: ParagraphRecord | ResultJSON) -> str:
    """The row of a paragraph in its document's Kazakh–Russian comparison, with the page's query (for a
    paragraph that has a translation)."""
    if isinstance(item, ParagraphRecord):
        doc_id, ordinal = item.doc_id, item.ordinal
    else:
        doc_id, ordinal = item["doc_id"], item["ordinal"]
    return url_for("pages.compare", doc_id=doc_id, q=page_query() or None, _anchor=f"p{ordinal}")


def page_query() -> str:
    """The query (``q``) of this page's request, cut as a search cuts it."""
    return request.args.get("q", "")[:MAX_QUERY_CHARS].strip()


def with_args(**changes: object) -> str:
    """This page's query string with some parameters changed (for paging, filter, export and language links):
    None removes a parameter, a list value becomes a repeated parameter (``drop``), and repeated parameters of
    the page are kept."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return "?" + urlencode(args, doseq=True)


@bp.app_context_processor
def helpers() -> dict:
    return {
        "citation": citation,
        "paragraph_link": paragraph_link,
        "compare_link": compare_link,
        "with_args": with_args,
    }


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
    """The whole report; with ``q``, its words marked, a hit map of where they are and a way back to the
    results."""
    current = engine()
    info = _document_info(current, doc_id)
    paragraphs = current.document_paragraphs(doc_id)
    bilingual = {p.lang for p in paragraphs} >= {"kk", "ru"}
    query = page_query()
    return render_template(
        "document.html",
        info=info,
        paragraphs=paragraphs,
        headings=outline(paragraphs),
        bilingual=bilingual,
        query=query,
        matches=current.document_matches(doc_id, query) if query else None,
    )


@bp.get("/compare/<doc_id>")
def compare(doc_id: str):
    """The Kazakh and Russian paragraphs side by side; with ``q``, its words and their translation marked."""
    current = engine()
    info = _document_info(current, doc_id)
    rows = _aligned_rows(current, doc_id)
    query = page_query()
    matches = current.document_matches(doc_id, query, with_translation=True) if query else None
    marked = matches.marked if matches else {}
    matching = {i for i, row in enumerate(rows) if any(p.id in marked for p in [*row.kk, *row.ru])}
    return render_template("compare.html", info=info, rows=rows, query=query, matches=matches, matching=matching)


@bp.get("/compare/<doc_id>.tmx")
def compare_tmx(doc_id: str) -> Response:
    """The document's aligned rows as a TMX translation memory (``web/tmx.py``), to download."""
    current = engine()
    info = _document_info(current, doc_id)
    memory = translation_memory(doc_id, info["title"], _aligned_rows(current, doc_id))
    return send_file(BytesIO(memory), mimetype=MEDIA_TYPE, as_attachment=True, download_name=f"{doc_id}.tmx")


def _aligned_rows(current: SearchEngine, doc_id: str) -> list[ParallelRow]:
    """The comparison rows of a document with Kazakh–Russian pairs, or a 404."""
    rows = current.parallel(doc_id)
    if not any(row.aligned for row in rows):
        abort(404)
    return rows


def _document_info(current: SearchEngine, doc_id: str) -> dict:
    """The catalogue entry of an indexed document, or a 404."""
    return next((d for d in current.documents() if d["doc_id"] == doc_id), None) or abort(404)


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", base=request.url_root.rstrip("/"))
    return Response(xml, mimetype="application/opensearchdescription+xml")

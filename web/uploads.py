"""Users' own documents through the web: the ``/upload`` page (forms that work without JavaScript),
``POST /api/documents``, ``DELETE /api/documents/<doc_id>``, and the jobs that index them, ``GET /api/jobs/<id>``
and the self-refreshing ``/jobs/<id>``.

Off unless the server was started with ``KAZSEARCH_UPLOAD_TOKEN``: a public search server must not become a
public file store by default. A request that changes the corpus carries the token, as ``Authorization: Bearer
<token>`` or, from the page's forms (which cannot set headers), as the form field ``token``; that field also
keeps another site from posting the forms in a visitor's name. Jobs are read without it, by an id no one can
guess. The request body is capped at the indexer's file size limit (``KAZSEARCH_MAX_FILE_MB``), so a larger
upload is a 413 before it is read, and never a file the indexer would then skip.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from indexer.settings import Settings
from web.errors import error_response
from web.jobs import JobRunner
from web.upload_store import UploadRefused, UploadStore

bp = Blueprint("uploads", __name__)
FORM_OVERHEAD = 64 * 1024  # what a multipart body holds besides the file: part headers, the token field
DISABLED = "uploads are disabled on this server: it was started without KAZSEARCH_UPLOAD_TOKEN"


@dataclass
class Uploads:
    store: UploadStore
    jobs: JobRunner
    token: str | None


def init_app(app: Flask, settings: Settings, index_dir: Path) -> None:
    """Uploads into ``settings.corpus`` for the index in ``index_dir``, enabled by ``settings.upload_token``."""
    uploads = Uploads(UploadStore(settings, index_dir), JobRunner(), settings.upload_token)
    app.extensions["kazsearch_uploads"] = uploads
    app.config["MAX_CONTENT_LENGTH"] = uploads.store.max_bytes + FORM_OVERHEAD

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge) -> Response:
        return error_response(413, uploads.store.too_large())

    @app.errorhandler(UploadRefused)
    def refused(error: UploadRefused) -> Response:
        return error_response(error.status, error.message)

    app.register_blueprint(bp)


def _uploads() -> Uploads:
    return current_app.extensions["kazsearch_uploads"]


@bp.app_context_processor
def upload_link() -> dict:
    return {"uploads_enabled": bool(_uploads().token)}


View = Callable[..., ResponseReturnValue]


def enabled(view: View) -> View:
    """The view, if uploads are enabled; else a 403 that says how to enable them."""

    @wraps(view)
    def checked(*args: object, **kwargs: object) -> ResponseReturnValue:
        if not _uploads().token:
            return error_response(403, DISABLED)
        return view(*args, **kwargs)

    return checked


def token_required(view: View) -> View:
    """The view, if the request carries the upload token: a 401 without one, a 403 with a wrong one."""

    @wraps(view)
    @enabled
    def checked(*args: object, **kwargs: object) -> ResponseReturnValue:
        expected = _uploads().token or ""
        given = _given_token()
        if given is None:
            response = error_response(
                401, "this needs the upload token: send Authorization: Bearer <token> or the form field token"
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="kazsearch uploads"'
            return response
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return error_response(403, "wrong upload token")
        return view(*args, **kwargs)

    return checked


def _given_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.form.get("token") or None


def _start_upload() -> dict:
    """Store the request's file and queue its indexing; the job's JSON. UploadRefused says what is wrong."""
    upload = request.files.get("file")
    if upload is None:
        raise UploadRefused(400, gettext("No file: send the document as the multipart form field 'file'."))
    uploads = _uploads()
    stored = uploads.store.save(upload.stream.read(uploads.store.max_bytes + 1), upload.filename or "")
    return uploads.jobs.submit("add", stored.doc_id, uploads.store.indexing(stored), stage="waiting for the indexer")


def _start_delete(doc_id: str) -> dict:
    uploads = _uploads()
    return uploads.jobs.submit("delete", doc_id, uploads.store.remove(doc_id), stage="waiting for the indexer")


def _job(job_id: str) -> dict:
    job = _uploads().jobs.get(job_id)
    if job is None:
        raise UploadRefused(404, gettext("No job %(id)s: jobs are kept until the server restarts.", id=repr(job_id)))
    return job


def _accepted(job: dict) -> Response:
    response = jsonify({"job": job})
    response.status_code = 202
    response.headers["Location"] = url_for("uploads.job_json", job_id=job["id"])
    return response


@bp.post("/api/documents")
@token_required
def add_document() -> Response:
    return _accepted(_start_upload())


@bp.delete("/api/documents/<doc_id>")
@token_required
def delete_document(doc_id: str) -> Response:
    return _accepted(_start_delete(doc_id))


@bp.get("/api/jobs/<job_id>")
@enabled
def job_json(job_id: str) -> Response:
    return jsonify(_job(job_id))


@bp.get("/upload")
def upload_page() -> str:
    uploads = _uploads()
    return render_template(
        "upload.html",
        enabled=bool(uploads.token),
        documents=uploads.store.uploaded() if uploads.token else [],
        jobs=uploads.jobs.unfinished(),
        limit_mb=uploads.store.settings.max_file_mb,
    )


@bp.post("/upload")
@token_required
def upload_form() -> ResponseReturnValue:
    return redirect(url_for("uploads.job_page", job_id=_start_upload()["id"]), 303)


@bp.post("/upload/<doc_id>/delete")
@token_required
def delete_form(doc_id: str) -> ResponseReturnValue:
    return redirect(url_for("uploads.job_page", job_id=_start_delete(doc_id)["id"]), 303)


@bp.get("/jobs/<job_id>")
@enabled
def job_page(job_id: str) -> str:
    return render_template("job.html", job=_job(job_id))

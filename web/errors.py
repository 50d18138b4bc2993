"""One error policy for the whole app: bad parameters are a 400 with a message, an index that cannot be served a
503 with ``Retry-After``, anything unexpected a 500 that says what failed (the traceback goes to the log);
API paths answer ``{"error": "..."}`` in JSON, pages an HTML page, both with the security headers and in the
interface's language (``web/i18n.py``). Never a stack trace in a response."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import HTTPException

from search.engine import SearchError
from web.live_engine import IndexUnavailable
from web.params import BadParameter

log = logging.getLogger(__name__)
RETRY_SECONDS = 5
# Werkzeug's own descriptions are English: those a visitor meets are said in the interface's language. A
# description given with the error (``abort(404, "...")``) is kept.
HTTP_MESSAGES = {
    400: lazy_gettext("This server does not understand the request."),
    404: lazy_gettext("There is no page at this address: check it, or search from the start page."),
    405: lazy_gettext("This address does not answer this method."),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    @app.errorhandler(SearchError)
    def bad_parameter(error: ValueError) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(IndexUnavailable)
    def unavailable(error: IndexUnavailable) -> Response:
        response = error_response(
            503,
            gettext("The search index cannot be used now; try again in a few seconds. Cause: %(reason)s", reason=error),
        )
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        werkzeugs = error.description == type(error).description
        message = HTTP_MESSAGES.get(status) if werkzeugs else None
        return error_response(status, str(message or error.description or error.name))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(
            500,
            gettext(
                "Internal error while answering %(path)s: %(error)s", path=request.path, error=type(error).__name__
            ),
        )


def error_response(status: int, message: str) -> Response:
    if request.path.startswith("/api/"):
        response = jsonify({"error": message})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response

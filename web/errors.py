"""One error policy for the whole app: bad parameters are a 400 with a message, an index that cannot be served a
503 with ``Retry-After``, anything unexpected a 500 that says what failed (the traceback goes to the log);
API paths answer ``{"error": "..."}`` in JSON, pages an HTML page, both with the security headers. Never a
stack trace in a response."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from search.engine import SearchError
from web.live_engine import IndexUnavailable
from web.params import BadParameter

log = logging.getLogger(__name__)
RETRY_SECONDS = 5


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    @app.errorhandler(SearchError)
    def bad_parameter(error: ValueError) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(IndexUnavailable)
    def unavailable(error: IndexUnavailable) -> Response:
        response = error_response(503, str(error))
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return error_response(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(500, f"internal error while answering {request.path}: {type(error).__name__}")


def error_response(status: int, message: str) -> Response:
    if request.path.startswith("/api/"):
        response = jsonify({"error": message})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response

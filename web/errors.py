"""One error policy for the whole app: bad parameters are a 400 with a message, a missing index a 503;
API paths answer ``{"error": "..."}`` in JSON, pages an HTML page. Never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.generation import IndexNotFound
from web.params import BadParameter


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    def bad_parameter(error: BadParameter):
        return error_response(400, str(error))

    @app.errorhandler(IndexNotFound)
    def no_index(error: IndexNotFound):
        return error_response(503, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.description or error.name)


def error_response(status: int, message: str):
    if request.path.startswith("/api/"):
        response = jsonify({"error": message})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response

"""The production server: waitress, with its own error responses rendered by the app.

waitress answers some requests before the app sees them (a malformed request line, headers over its limit, a
body too large) with a plain-text page of its own and none of the app's headers. Here those go through the
app's error policy (``web/errors.py``): JSON under ``/api/``, a page elsewhere, the security headers always.
"""

from __future__ import annotations

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from web.errors import error_response


def serve(app: Flask, host: str, port: int, threads: int) -> None:
    server = create_server(app, host=host, port=port, threads=threads, ident="kazsearch")
    server.channel_class = type("KazsearchChannel", (HTTPChannel,), {"error_task_class": _error_task(app)})
    server.run()


def _error_task(app: Flask) -> type[ErrorTask]:
    class AppErrorTask(ErrorTask):
        def execute(self) -> None:
            error = self.request.error
            path = _request_path(self.request)
            language = self.request.headers.get("ACCEPT_LANGUAGE", "")
            with app.test_request_context(
                "/api/" if path.startswith("/api/") else "/", headers={"Accept-Language": language}
            ):
                app.preprocess_request()  # the interface language
                response = app.process_response(error_response(error.code, f"{error.reason}: {error.body}"))
            body = response.get_data()
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend((k, v) for k, v in response.headers if k.lower() != "content-length")
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    return AppErrorTask


def _request_path(request: object) -> str:
    """The path the client asked for, as far as waitress read it ("" when it gave up before the request line)."""
    path = getattr(request, "path", None)
    if isinstance(path, str) and path:
        return path
    target = (getattr(request, "first_line", None) or b"").split(b" ")
    return target[1].decode("latin-1") if len(target) > 1 else ""

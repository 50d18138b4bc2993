"""The web front end: search pages, the JSON API, OpenSearch and suggestions, over one live index; users'
own documents uploaded into the corpus when the settings give an upload token.

app = create_app("var/index")      # Flask app factory; `python -m web` serves it with waitress
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from indexer.settings import Settings
from indexer.threads import limit_blas_threads
from search.engine import SearchEngine
from web import api, errors, i18n, live_engine, pages, security, uploads
from web.live_engine import LiveEngine


def create_app(
    index_dir: Path | str | None = None,
    reload_seconds: float = 2.0,
    searchers: int = 1,
    settings: Settings | None = None,
) -> Flask:
    """The kazsearch app over the index published in ``index_dir`` (default: the settings' index; ``settings``
    default to the environment's, read now).

    A newly published generation is picked up by the next request after ``reload_seconds``; ``searchers``: how
    many phrase look-ups may run at once (whoosh searchers, see ``indexer/keyword_index.py``; the others wait).
    """
    limit_blas_threads()
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider has both
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the field order of the API contract
    settings = settings or Settings.from_env()
    index = Path(index_dir or settings.index)

    def open_engine(path: Path) -> SearchEngine:
        return SearchEngine(path, searchers=searchers, models_dir=settings.models_dir)

    live_engine.init_app(app, LiveEngine(index, reload_seconds, open_engine))
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    uploads.init_app(app, settings, index)
    return app

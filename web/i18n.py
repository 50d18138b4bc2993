"""The interface's three languages, Russian, Kazakh and English, through Flask-Babel's gettext catalogues.

The texts are English msgids in the templates (``_("Search")``) and the web code; their Russian and Kazakh
translations are in ``web/translations/<lang>/LC_MESSAGES/messages.po`` (``make i18n-extract``,
``i18n-update``, ``i18n-compile``). The language comes from ``?ui=`` (remembered in a cookie), else the
cookie, else the browser's Accept-Language, else Russian.
"""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response
from flask_babel import Babel, format_number, get_locale, lazy_gettext, lazy_pgettext

from search.notes import Note

LANGUAGES = ("ru", "kk", "en")
DEFAULT = "ru"
COOKIE = "ui"

# Names the templates look up by a code: a search mode, a paragraph's language, a result's evidence, a job's
# kind and state.
MODE_NAMES = {
    # "meaning" is also a result's leg (_result.html), said differently in Russian and Kazakh.
    "hybrid": lazy_pgettext("search mode", "hybrid"),
    "keyword": lazy_pgettext("search mode", "keywords"),
    "semantic": lazy_pgettext("search mode", "meaning"),
}
LANGUAGE_NAMES = {
    "ru": lazy_gettext("Russian"),
    "kk": lazy_gettext("Kazakh"),
    "en": lazy_gettext("English"),
    "other": lazy_gettext("other"),
}
ALSO_SEARCHED = {"ru": lazy_gettext("Also searched in Russian"), "kk": lazy_gettext("Also searched in Kazakh")}
EVIDENCE_NAMES = {
    "words": lazy_gettext("words match"),
    "meaning": lazy_gettext("close in meaning"),
    "both": lazy_gettext("words and meaning"),
}
JOB_KINDS = {"add": lazy_gettext("Adding a document"), "delete": lazy_gettext("Deleting a document")}
JOB_STATES = {
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "done": lazy_gettext("done"),
    "failed": lazy_gettext("failed"),
}

# The pages' texts of the notes on how a query was searched (search/notes.py, whose English the API shows):
# search never imports web, so a note carries its key and values and is said here.
NOTE_TEXTS = {
    "query_cut": lazy_gettext("the query was cut to its first %(chars)s characters"),
    "prefix_short": lazy_gettext("%(patterns)s: a prefix needs at least %(letters)s letters; searched as a word"),
    "expansion_capped": lazy_gettext(
        "%(pattern)s matched %(matched)s words; the %(searched)s most frequent were searched"
    ),
    "words_cut": lazy_gettext("the query has %(words)s words; the first %(searched)s were searched"),
    "fuzzy_many": lazy_gettext(
        "%(patterns)s: at most %(fuzzy)s words are searched fuzzily; these were searched as words"
    ),
    "meaning_cut": lazy_gettext("the meaning search read the first %(chars)s characters of the query"),
    "phrase_absent": lazy_gettext("No paragraph holds %(phrases)s word for word: these paragraphs hold its words."),
    "keyword_time": lazy_gettext(
        "the word search ran out of time after %(ms)s ms; its results are those found by then"
    ),
}


def select_language() -> str:
    """Flask-Babel's locale selector: ``?ui=``, else the cookie, else the browser's best match, else Russian."""
    for wanted in (request.args.get("ui"), request.cookies.get(COOKIE)):
        if wanted in LANGUAGES:
            return wanted
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def ui_language() -> str:
    """The current request's interface language: ``ru``, ``kk`` or ``en`` (``ru`` outside a request)."""
    locale = get_locale()
    return str(locale) if locale else DEFAULT


def note_text(note: Note) -> str:
    """A search note in the interface's language, its numbers written as the language writes them."""
    text = NOTE_TEXTS.get(note.key)
    if text is None:
        return str(note)
    values = {
        name: format_number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in note.values.items()
    }
    return str(text) % values


def init_app(app: Flask) -> None:
    Babel(app, default_locale=DEFAULT, locale_selector=select_language)
    app.jinja_env.globals.update(
        mode_names=MODE_NAMES,
        language_names=LANGUAGE_NAMES,
        also_searched=ALSO_SEARCHED,
        evidence_names=EVIDENCE_NAMES,
        job_kinds=JOB_KINDS,
        job_states=JOB_STATES,
        note_text=note_text,
    )

    @app.after_request
    def remember_language(response: Response) -> Response:
        if request.args.get("ui") in LANGUAGES:
            response.set_cookie(COOKIE, request.args["ui"], max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def language() -> dict:
        return {"ui": ui_language(), "ui_languages": LANGUAGES}

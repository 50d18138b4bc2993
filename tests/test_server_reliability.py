"""Issue 11, server side: concurrent queries, bounded query cost, errors below Flask, a generation removed or
replaced under a running server, the engine's lifecycle. Against the real engine, app and server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
import weakref
from pathlib import Path

import pytest

from bench.server import Server
from bench.soak import run_soak
from indexer.build import build_index
from indexer.generation import published_generation
from search.engine import SearchEngine
from search.query import MAX_QUERY_WORDS, MIN_PREFIX
from tests.conftest import CACHE, CORPUS, ROOT
from web import create_app

WHOOSH_QUERIES = ['"права человека"', '"смертной казни"', "ДС-219", '"пыток и других" -жестокого']
BOUNDED_QUERIES = ["о*", "пра*", "пытк~", "свобода~ суд*"]


def small_index(folder: Path, *names: str) -> Path:
    index = folder / "index"
    files = [CORPUS / name for name in names or ("002_8f2f399057266b42.txt", "004_9641ebcea6de96ce.txt")]
    build_index(files, index, progress=False, cache_dir=CACHE)
    return index


def test_concurrent_whoosh_queries_on_one_engine_all_succeed(corpus_index):
    engine = SearchEngine(corpus_index, searchers=2)  # fewer searchers than threads: they wait, never share
    errors: list[BaseException] = []
    expected = {q: engine.search(q, mode="keyword", k=5)["total"] for q in WHOOSH_QUERIES + BOUNDED_QUERIES}

    def client(seed: int) -> None:
        try:
            for i in range(30):
                query = (WHOOSH_QUERIES + BOUNDED_QUERIES)[(seed + i) % 8]
                assert engine.search(query, mode="keyword", k=5)["total"] == expected[query]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.close()
    assert not errors, errors[:3]


@pytest.mark.parametrize(
    "query, note",
    [
        (" ".join(f"{letter}*" for letter in "абвгдежзиклмнопрстуфхцчшщэюя"), "a prefix needs at least"),
        ("пра*", "most frequent were searched"),
        (" ".join(f"слово{i}" for i in range(MAX_QUERY_WORDS + 8)), f"the first {MAX_QUERY_WORDS} were searched"),
        ("пытки " * 200, "the query was cut to its first 500 characters"),
        (" ".join(f"пытка{i}~" for i in range(12)), "these were searched as words"),
    ],
)
def test_expensive_queries_are_bounded_and_say_what_was_cut(engine, query, note):
    response = engine.search(query, mode="keyword")
    assert any(note in text for text in response["notes"]), response["notes"]


def test_short_prefixes_are_words_and_expansions_are_capped(engine):
    from search.expansion import MAX_EXPANSIONS
    from search.keyword_leg import expand_query
    from search.query import parse_query

    parsed = parse_query("с* пра* пытк~")
    assert parsed.prefixes == ["пра"] and "с" not in parsed.prefixes and MIN_PREFIX == 3
    expanded = expand_query(parsed, engine.keyword_index.terms)
    assert 0 < len(expanded.expansions["пра*"]) <= MAX_EXPANSIONS
    assert all(term.startswith("пра") for term in expanded.expansions["пра*"])
    assert {"пытки", "пытка"} <= set(expanded.expansions["пытк~"])


def test_phrase_search_out_of_time_returns_what_it_has_and_says_partial(corpus_index):
    engine = SearchEngine(corpus_index, keyword_seconds=1e-9)
    response = engine.search('"права человека"', mode="keyword")
    engine.close()
    assert response["partial"] is True and any("ran out of time" in note for note in response["notes"])


def test_excluded_word_drops_every_form_from_every_leg(engine):
    from indexer.analysis import russian_forms, tokenize

    forms = russian_forms("пытка")
    assert {"пыток", "пыткам", "пытки"} <= forms
    for mode in ("hybrid", "semantic", "keyword"):
        results = engine.search("жестокое обращение с задержанными -пытка", mode=mode, k=50)["results"]
        assert results, mode
        assert not [r["id"] for r in results if {t.text for t in tokenize(r["text"])} & forms], mode


def test_the_page_shows_the_notes_in_the_interface_language(corpus_index):
    client = create_app(corpus_index).test_client()
    page = client.get("/search", query_string={"q": "с* пытки", "ui": "ru"}).get_data(as_text=True)
    assert "для поиска по началу слова нужно не меньше 3 букв" in page


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    index = small_index(tmp_path_factory.mktemp("served"))
    server = Server(index)
    yield server, index
    server.stop()


def raw_request(server: Server, data: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(data)
        reply = b""
        try:
            while chunk := connection.recv(65536):
                reply += chunk
        except ConnectionResetError:  # the server closes on a request it refused, unread bytes and all
            pass
    head, _, body = reply.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


@pytest.mark.slow
@pytest.mark.parametrize(
    "request_bytes, status, json",
    [
        (b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "400", True),
        (b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400", True),
        (b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501", False),
        (b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", "431", False),
        (b"GET /api/%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "404", True),
    ],
)
def test_errors_raised_below_flask_get_the_app_s_body_and_headers(served, request_bytes, status, json):
    server, _ = served
    line, headers, body = raw_request(server, request_bytes)
    assert line.split(" ")[1] == status
    assert headers["X-Frame-Options"] == "DENY" and "script-src 'self'" in headers["Content-Security-Policy"]
    if json:
        assert headers["Content-Type"] == "application/json" and body.startswith(b'{"error":')
    else:
        assert headers["Content-Type"].startswith("text/html") and b"<html" in body.lower()


@pytest.mark.slow
def test_short_soak_with_a_republish_has_no_server_errors(tmp_path):
    index = small_index(tmp_path)
    figures = run_soak(
        index, clients=8, requests=300, republish=1, corpus=CORPUS / "002_8f2f399057266b42.txt", log=tmp_path / "log"
    )
    assert figures["requests"] == 300 and figures["server_errors"] == 0, figures["failures"]
    assert len(figures["republished_s"]) == 1


@pytest.mark.slow
def test_server_keeps_answering_when_its_generation_is_removed_or_the_pointer_breaks(tmp_path):
    index = small_index(tmp_path)
    server = Server(index)
    try:
        generation = published_generation(index).path
        shutil.rmtree(generation)
        for path in ["/api/search?q=" + urllib.parse.quote(q) for q in WHOOSH_QUERIES + BOUNDED_QUERIES] + [
            "/api/similar/torture-statistics:3",
            "/p/torture-statistics:3",
            "/doc/torture-statistics",
        ]:
            assert server.status(path)[0] == 200, path
        (index / "CURRENT").write_text("no-such-generation\n", encoding="utf-8")
        assert server.status("/api/search?q=" + urllib.parse.quote('"права человека"'))[0] == 200
    finally:
        server.stop()


def test_no_servable_index_is_a_503_that_says_why_with_retry_after(tmp_path):
    client = create_app(tmp_path / "empty", reload_seconds=0).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "no index published" in response.get_json()["error"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "CURRENT").write_text("gone\n", encoding="utf-8")
    response = client.get("/search?q=x")
    assert response.status_code == 503 and "cannot be opened" in response.get_data(as_text=True)


def test_a_replaced_engine_is_closed_once_its_last_request_is_done(tmp_path):
    index = small_index(tmp_path, "002_8f2f399057266b42.txt")
    app = create_app(index, reload_seconds=0)
    live = app.extensions["kazsearch"]
    in_flight = live.acquire()
    build_index([CORPUS / "003_adcbc693acd35aae.txt"], index, progress=False, cache_dir=CACHE)
    assert app.test_client().get("/api/documents").status_code == 200
    fresh = live.acquire()
    assert fresh is not in_flight and not in_flight.closed
    assert in_flight.search('"права человека"', mode="keyword")["results"] is not None  # still works
    live.release(in_flight)
    assert in_flight.closed and not fresh.closed
    live.release(fresh)
    replaced = weakref.ref(in_flight)
    del in_flight
    assert replaced() is None  # its memory is given back, not kept until some later collection


def test_importing_the_encoders_starts_no_thread():
    code = "import threading, indexer.encoders, search.engine, web; print(threading.active_count())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


def test_a_long_query_is_embedded_in_part_and_says_so(engine):
    from search.query import MAX_MEANING_CHARS

    long = "права заключённых на медицинскую помощь " * 12
    notes = engine.search(long)["notes"]
    assert any("meaning search read the first" in n for n in notes) and len(long) > MAX_MEANING_CHARS
    assert not engine.search("права заключённых на медицинскую помощь")["notes"]

"""Users' own documents through the web: uploads checked, stored under a safe name and indexed in the background;
deletions; the token; the no-JavaScript page. Real files from ../shared/fixtures, the real indexer and server."""

from __future__ import annotations

import io
import json
import secrets
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.server import Server
from indexer.build import build_index
from indexer.settings import Settings
from tests.conftest import CACHE, CORPUS, shared_path
from web import create_app
from web.upload_store import UPLOADS, UploadRefused, UploadStore, safe_stem

TOKEN = "s3cret-token"
SHIPPED = "002_8f2f399057266b42.txt"  # 6 KB: the corpus of every test here, indexed in seconds from the cache
RTF = b"{\\rtf1\\ansi Hello}"
ODT_PHRASE = "уголовную ответственность дважды"  # in ru_law_ukrf_excerpt.odt
DOCX_PHRASE = "Еңбек ресурстарын дамыту орталығы"  # in kk_ru_bilingual_contract_template.docx


def make_corpus(folder: Path) -> tuple[Path, Path]:
    """A corpus folder holding one shipped report, and its published index."""
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SHIPPED, corpus)
    index = folder / "index"
    build_index([corpus], index, progress=False, cache_dir=CACHE)
    return corpus, index


def make_app(corpus: Path, index: Path, token: str | None = TOKEN, max_file_mb: float = 50.0):
    settings = Settings(index=index, corpus=corpus, cache=CACHE, upload_token=token, max_file_mb=max_file_mb)
    app = create_app(index, reload_seconds=0, settings=settings)
    app.testing = True
    return app


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def file_field(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


def stored_files(corpus: Path) -> list[Path]:
    folder = corpus / UPLOADS
    return sorted(folder.iterdir()) if folder.exists() else []


def eventually(check: Callable[[], object]) -> object:
    """``check()``'s first true answer, asked again while a job runs or the server picks up a new generation (it
    looks every 2 s); a guard against waiting for ever, not a time limit on indexing."""
    for _ in range(2400):
        if answer := check():
            return answer
        time.sleep(0.25)
    raise AssertionError(f"{check} never came true")


def finished(read_job: Callable[[str], dict], job_id: str) -> dict:
    """The job once it is done or failed (read with ``read_job(job_id)``)."""
    return eventually(lambda: (job := read_job(job_id))["state"] in ("done", "failed") and job)


def client_job(client) -> Callable[[str], dict]:
    """Reads a job through a Flask test client."""
    return lambda job_id: client.get(f"/api/jobs/{job_id}").get_json()


@pytest.fixture(scope="module")
def shared_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """For tests that refuse uploads, and so never change the corpus."""
    return make_corpus(tmp_path_factory.mktemp("uploads"))


@pytest.fixture
def client(shared_corpus):
    return make_app(*shared_corpus).test_client()


# --- refused before anything is stored ---------------------------------------------------------------------------


def test_without_a_token_in_the_settings_uploads_are_disabled_and_say_so(shared_corpus):
    client = make_app(*shared_corpus, token=None).test_client()
    response = client.post("/api/documents", data=file_field(RTF, "a.rtf"), headers=bearer())
    assert response.status_code == 403 and "KAZSEARCH_UPLOAD_TOKEN" in response.get_json()["error"]
    assert client.delete("/api/documents/x", headers=bearer()).status_code == 403
    assert client.get("/api/jobs/abc").status_code == 403
    page = client.get("/upload?ui=en").get_data(as_text=True)
    assert "Uploads are disabled" in page and 'type="file"' not in page
    assert "/upload" not in client.get("/?ui=en").get_data(as_text=True)  # no link in the layout
    assert Settings.from_env({"KAZSEARCH_UPLOAD_TOKEN": ""}).upload_token is None


def test_the_token_is_required_and_checked(client):
    assert 'href="/upload"' in client.get("/").get_data(as_text=True)
    missing = client.post("/api/documents", data=file_field(RTF, "a.rtf"))
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "upload token" in missing.get_json()["error"]
    for headers, form in [(bearer("wrong"), {}), ({}, {"token": "wrong"}), ({"Authorization": "Basic x"}, {})]:
        wrong = client.post("/api/documents", data=file_field(RTF, "a.rtf") | form, headers=headers)
        assert wrong.status_code in (401, 403) and wrong.get_json()["error"]
    wrong_form = client.post("/upload", data=file_field(RTF, "a.rtf") | {"token": "wrong"})
    assert wrong_form.status_code == 403 and "wrong upload token" in wrong_form.get_data(as_text=True)
    assert client.delete("/api/documents/anything", headers=bearer("wrong")).status_code == 403
    # The right token in the header or the form gets as far as the file (refused here for being RTF).
    assert client.post("/api/documents", data=file_field(RTF, "a.rtf"), headers=bearer()).status_code == 415
    assert client.post("/api/documents", data=file_field(RTF, "a.rtf") | {"token": TOKEN}).status_code == 415


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(32):  # 32 MB of zeros in a few dozen KB
                member.write(b"\0" * 2**20)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("letter.rtf", RTF, "letter.rtf: unsupported: an RTF file; save it as DOCX or PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old binary Word .doc"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "unsupported: an image"),
        ("empty.docx", b"", "empty.docx: the file is empty"),
        ("bomb.docx", zip_bomb(), "bomb.docx: refused: the archive would unpack to 32 MB"),
        ("sheet.docx", b"PK\x03\x04" + b"\0" * 64, "corrupt file"),
    ],
)
def test_files_that_are_no_document_are_refused_with_the_reason_and_not_stored(
    client, shared_corpus, name, data, message
):
    response = client.post("/api/documents", data=file_field(data, name), headers=bearer())
    assert response.status_code == 415 and message in response.get_json()["error"]
    assert stored_files(shared_corpus[0]) == []


def test_a_request_without_a_file_is_a_400(client):
    response = client.post("/api/documents", data={"note": "x"}, headers=bearer())
    assert response.status_code == 400 and "Нет файла" in response.get_json()["error"]  # the interface's language


def test_an_upload_over_the_limit_is_a_413_with_the_limit(shared_corpus):
    client = make_app(*shared_corpus, max_file_mb=0.01).test_client()
    big = b"<html><body><p>" + "Текст. ".encode() * 4000 + b"</p></body></html>"
    response = client.post("/api/documents", data=file_field(big, "big.html"), headers=bearer())
    assert response.status_code == 413 and "предела загрузки в 0.01 МБ" in response.get_json()["error"]
    page = client.post("/upload", data=file_field(big, "big.html") | {"token": TOKEN})
    assert page.status_code == 413 and "предела загрузки в 0.01 МБ" in page.get_data(as_text=True)
    assert stored_files(shared_corpus[0]) == []


def test_only_uploaded_documents_can_be_deleted(client):
    shipped = client.delete(f"/api/documents/{SHIPPED.removesuffix('.txt')}", headers=bearer())
    assert shipped.status_code == 403 and "только загруженные документы" in shipped.get_json()["error"]
    for doc_id in ["no-such-document-0123456789ab", "..", "%2e%2e%2fcatalog"]:
        assert client.delete(f"/api/documents/{doc_id}", headers=bearer()).status_code == 404
    assert client.post("/upload/nothing/delete", data={"token": TOKEN}).status_code == 404
    assert client.get("/api/jobs/not-a-job").status_code == 404


# --- stored under a safe name ------------------------------------------------------------------------------------


def test_the_stored_name_is_made_here_and_no_client_path_survives(tmp_path):
    settings = Settings(index=tmp_path / "index", corpus=tmp_path / "corpus")
    store = UploadStore(settings, settings.index)
    html = "<html><body><p>Приказ о порядке.</p><p>Второй абзац.</p></body></html>".encode()
    stored = store.save(html, "../../etc/passwd")
    assert stored.path.parent == tmp_path / "corpus" / UPLOADS and stored.path.suffix == ".html"
    assert stored.path.name.startswith("passwd-") and stored.doc_id == stored.path.stem
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [stored.path.name]  # no temporary left
    assert store.file_of(stored.doc_id) == stored.path
    with pytest.raises(UploadRefused, match="already in the corpus") as again:
        store.save(html, "other name.html")
    assert again.value.status == 409
    assert safe_stem("C:\\Users\\Аня\\Доклад ҚР 2024 (итог).PDF") == "doklad-qr-2024-itog"
    assert safe_stem("..") == safe_stem("") == safe_stem("/.../") == "document"
    assert safe_stem("x" * 300 + ".pdf") == "x" * 48
    assert store.file_of("../etc/passwd") is None and store.file_of(SHIPPED) is None


def test_content_already_in_the_corpus_is_not_uploaded_again(client, shared_corpus):
    response = client.post(
        "/api/documents", data=file_field((CORPUS / SHIPPED).read_bytes(), "x.txt"), headers=bearer()
    )
    assert response.status_code == 409 and repr(SHIPPED.removesuffix(".txt")) in response.get_json()["error"]
    assert stored_files(shared_corpus[0]) == []


def test_jobs_run_one_at_a_time_and_their_page_refreshes_itself_until_they_end(shared_corpus):
    app = make_app(*shared_corpus)
    client, jobs = app.test_client(), app.extensions["kazsearch_uploads"].jobs
    gate = threading.Event()

    def held(stage) -> dict:
        stage("held by the test")
        gate.wait()
        return {"paragraphs": 1}

    def broken(_stage) -> dict:
        raise OSError("disk full")

    first = jobs.submit("add", "first-0123456789ab", held, stage="waiting")
    second = jobs.submit("add", "second-0123456789ab", broken, stage="waiting")
    eventually(lambda: client_job(client)(first["id"])["state"] == "running")
    assert client_job(client)(second["id"])["state"] == "queued" and client_job(client)(second["id"])["ahead"] == 1
    running = client.get(f"/jobs/{first['id']}?ui=en").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in running and "held by the test" in running
    assert "1 job ahead" in client.get(f"/jobs/{second['id']}?ui=en").get_data(as_text=True)
    assert f"/jobs/{second['id']}" in client.get("/upload").get_data(as_text=True)
    gate.set()
    assert finished(client_job(client), first["id"])["result"] == {"paragraphs": 1}
    failed = finished(client_job(client), second["id"])
    assert failed["state"] == "failed" and failed["error"] == "OSError: disk full"
    page = client.get(f"/jobs/{second['id']}").get_data(as_text=True)
    assert "refresh" not in page and "OSError: disk full" in page


# --- indexed in the background -----------------------------------------------------------------------------------


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data
    return body + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def call(server: Server, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, dict]:
    request = urllib.request.Request(server.base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def doc_ids_found(server: Server, query: str) -> set[str]:
    return {r["doc_id"] for r in json.loads(server.get("/api/search", q=query, mode="keyword"))["results"]}


@pytest.mark.slow
def test_an_uploaded_document_is_searchable_through_the_server_and_gone_once_deleted(tmp_path, monkeypatch):
    corpus, index = make_corpus(tmp_path)
    for name, value in {"KAZSEARCH_CORPUS": corpus, "KAZSEARCH_CACHE": CACHE, "KAZSEARCH_UPLOAD_TOKEN": TOKEN}.items():
        monkeypatch.setenv(name, str(value))
    server = Server(index)

    def server_job(job_id: str) -> dict:
        return call(server, "GET", f"/api/jobs/{job_id}")[1]

    try:
        odt = shared_path("fixtures", "ru_law_ukrf_excerpt.odt").read_bytes()
        body, content_type = multipart({}, "Уголовный кодекс.odt", odt)
        status, answer = call(server, "POST", "/api/documents", body, **bearer(), **{"Content-Type": content_type})
        assert status == 202 and answer["job"]["state"] in ("queued", "running")
        job = finished(server_job, answer["job"]["id"])
        assert job["state"] == "done", job
        doc_id = job["result"]["doc_id"]
        assert doc_id.startswith("ugolovnyi-kodeks-") and job["result"]["paragraphs"] == 16
        assert [p.name for p in stored_files(corpus)] == [f"{doc_id}.odt"]
        assert eventually(lambda: doc_id in doc_ids_found(server, f'"{ODT_PHRASE}"'))
        assert doc_id in server.get("/upload").decode()

        status, answer = call(server, "DELETE", f"/api/documents/{doc_id}", **bearer())
        assert status == 202 and answer["job"]["kind"] == "delete"
        assert finished(server_job, answer["job"]["id"])["state"] == "done"
        assert stored_files(corpus) == [] and (corpus / SHIPPED).exists()
        assert eventually(lambda: doc_id not in doc_ids_found(server, f'"{ODT_PHRASE}"'))
        assert call(server, "DELETE", f"/api/documents/{doc_id}", **bearer())[0] == 404
    finally:
        server.stop()


def test_the_page_without_javascript_uploads_shows_the_job_and_deletes(tmp_path):
    corpus, index = make_corpus(tmp_path)
    client = make_app(corpus, index).test_client()
    page = client.get("/upload?ui=ru").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="token"' in page and "<script>" not in page
    docx = shared_path("fixtures", "kk_ru_bilingual_contract_template.docx").read_bytes()
    posted = client.post("/upload", data=file_field(docx, "Келісім.docx") | {"token": TOKEN})
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/jobs/")
    job = finished(client_job(client), posted.headers["Location"].removeprefix("/jobs/"))
    assert job["state"] == "done", job
    doc_id = job["doc_id"]
    assert doc_id.startswith("kelisim-")
    done = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done and f'href="/doc/{doc_id}"' in done
    assert doc_id in search_doc_ids(client, f'"{DOCX_PHRASE}"')
    assert f'action="/upload/{doc_id}/delete"' in client.get("/upload").get_data(as_text=True)

    deleted = client.post(f"/upload/{doc_id}/delete", data={"token": TOKEN})
    assert deleted.status_code == 303
    job = finished(client_job(client), deleted.headers["Location"].removeprefix("/jobs/"))
    assert job["state"] == "done" and job["kind"] == "delete", job
    assert doc_id not in search_doc_ids(client, f'"{DOCX_PHRASE}"')
    assert f"/upload/{doc_id}/delete" not in client.get("/upload").get_data(as_text=True)


def search_doc_ids(client, query: str) -> set[str]:
    found = client.get("/api/search", query_string={"q": query, "mode": "keyword"}).get_json()
    return {r["doc_id"] for r in found["results"]}


def encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, reason",
    [("locked.pdf", encrypted_pdf, "encrypted PDF"), ("broken.pdf", lambda: b"%PDF-1.4\n1 0 obj garbage", "PDF")],
)
def test_a_file_the_indexer_skips_fails_its_job_with_the_reason_and_is_taken_out(tmp_path, name, data, reason):
    corpus, index = make_corpus(tmp_path)
    client = make_app(corpus, index).test_client()
    response = client.post("/api/documents", data=file_field(data(), name), headers=bearer())
    assert response.status_code == 202
    job = finished(client_job(client), response.get_json()["job"]["id"])
    assert job["state"] == "failed" and reason in job["error"] and "the file was removed" in job["error"], job
    assert job["result"]["skipped"].startswith(f"{job['doc_id']}.pdf: ")
    assert stored_files(corpus) == []  # not retried by every later build
    documents = client.get("/api/documents").get_json()["documents"]
    assert [d["source"] for d in documents] == [SHIPPED]  # the rest is as it was
    assert reason in client.get(f"/jobs/{job['id']}").get_data(as_text=True)

"""Issue 13, users' own documents through the real indexer: a folder of PDF, DOCX, ODT and HTML files beside bad
ones, indexed by ``python -m indexer``, read back with ``--dump`` and searched with ``python -m search``.

The fixtures are copied from ``../shared/fixtures`` into a temporary folder (the indexer follows no link out of a
folder); embeddings are cached in the project's ``var/cache``, so only a first run embeds them. The OCR test is
marked slow.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.analysis import is_known_russian_word
from indexer.formats.ocr import tesseract_available
from indexer.generation import published_generation
from tests.conftest import CACHE, PYTHON, ROOT, shared_path

TEXT_PDF = "ru_law_fstec_order17_textlayer.pdf"
BILINGUAL = "kk_ru_bilingual_contract_template.docx"
HTML = "ru_law_minjust_prikaz.html"
GARBLED_PDF = "ru_law_ukrf_garbled_textlayer.pdf"
# The ODT goes in without a suffix: what a file is, its content says.
ODT, ODT_COPY = "ru_law_ukrf_excerpt.odt", "ukrf-excerpt"

PORTAL_PAGE = """<!DOCTYPE html><html><head><title>Порядок аккредитации переводчиков</title>
<meta name="author" content="Министерство юстиции"><meta name="date" content="2023-05-04">
<link rel="canonical" href="https://example.org/akkreditaciya"></head><body><main>
<h1>Порядок аккредитации переводчиков</h1>
<p>1. Переводчик подаёт заявление об аккредитации в электронной форме.</p>
<p>2. Заявление рассматривается в течение десяти рабочих дней.</p>
</main></body></html>"""

CATALOGUE = f"""[[document]]
file = "{ODT_COPY}"
doc_id = "ukrf-excerpt"
title = "Уголовный кодекс Российской Федерации (выдержка)"
year = 1996
issuer = "Государственная Дума"
"""

# Each bad file and what its one line must say.
BAD = {
    "old.doc": "unsupported: an old binary Word .doc (Office 97–2003) file; save it as DOCX or PDF",
    "letter.rtf": "unsupported: an RTF file; save it as DOCX or PDF",
    "scan.png": "unsupported: an image; put scans into a PDF to have them read by OCR",
    "notes.md": "unsupported file type (kazsearch reads .txt, .jsonl, .pdf, .docx, .odt, .html, .htm)",
    "empty.docx": "the file is empty",
    "blank.txt": "the file is empty",
    "broken.pdf": "corrupt PDF",
    "locked.pdf": "encrypted PDF: it opens only with a password",
    "bomb.docx": "refused: the archive would unpack to 64 MB",
}


@dataclass
class Indexed:
    index: Path
    stdout: str
    stderr: str
    paragraphs: list[dict]
    alignment: list[dict]

    def of(self, doc_id: str) -> list[dict]:
        found = [record for record in self.paragraphs if record["doc_id"] == doc_id]
        assert found, f"no paragraphs of {doc_id}"
        return found

    def document(self, doc_id: str) -> dict:
        """The document's entry in the published manifest."""
        documents = published_generation(self.index).manifest["documents"]
        return next(document for document in documents if document["doc_id"] == doc_id)

    def find(self, doc_id: str, start: str) -> dict:
        found = [record for record in self.of(doc_id) if record["text"].startswith(start)]
        assert found, f"no paragraph of {doc_id} starts with {start!r}"
        return found[0]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def index_folder(folder: Path, index: Path) -> Indexed:
    built = run("-m", "indexer", str(folder), "--index", str(index), "--cache", str(CACHE), "--quiet")
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    return Indexed(index, built.stdout, built.stderr, dump(index, "paragraphs"), dump(index, "alignment"))


def dump(index: Path, what: str) -> list[dict]:
    dumped = run("-m", "indexer", "--index", str(index), "--dump", what)
    assert dumped.returncode == 0, dumped.stderr
    return [json.loads(line) for line in dumped.stdout.splitlines()]


def search(index: Path, query: str, *args: str) -> list[dict]:
    found = run("-m", "search", query, "--index", str(index), "--json", *args)
    assert found.returncode == 0, found.stderr
    return json.loads(found.stdout)["results"]


def doc_id(name: str) -> str:
    return Path(name).stem


def copy_fixture(name: str, folder: Path, as_name: str | None = None) -> None:
    shutil.copyfile(shared_path("fixtures", name), folder / (as_name or name))


def write_bad_files(folder: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (folder / "letter.rtf").write_bytes("{\\rtf1\\ansi Письмо}".encode("cp1251"))
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64)
    (folder / "notes.md").write_text("# Заметки\n\nЧто проверить в отчётах.\n", encoding="utf-8")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with (folder / "locked.pdf").open("wb") as locked:
        writer.write(locked)
    with zipfile.ZipFile(folder / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        with bomb.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(64):  # 64 MB of zeros, a few dozen KB packed
                member.write(b"\0" * 2**20)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Indexed:
    folder = tmp_path_factory.mktemp("documents")
    for name in (TEXT_PDF, BILINGUAL, HTML):
        copy_fixture(name, folder)
    copy_fixture(ODT, folder, ODT_COPY)
    (folder / "page.pdf").write_text(PORTAL_PAGE, encoding="utf-8")  # a web page saved under the wrong name
    (folder / "catalog.toml").write_text(CATALOGUE, encoding="utf-8")
    write_bad_files(folder)
    return index_folder(folder, tmp_path_factory.mktemp("index"))


def test_every_bad_file_is_one_line_and_the_rest_is_indexed(indexed: Indexed):
    skipped = [line.removeprefix("skipped: ") for line in indexed.stderr.splitlines() if line.startswith("skipped: ")]
    assert sorted(line.split(": ", 1)[0] for line in skipped) == sorted(BAD)
    for line in skipped:
        name, reason = line.split(": ", 1)
        assert reason.startswith(BAD[name]), line
    assert indexed.stdout.startswith("indexed 5 documents")
    documents = {record["doc_id"] for record in indexed.paragraphs}
    assert documents == {doc_id(TEXT_PDF), doc_id(BILINGUAL), doc_id(HTML), "ukrf-excerpt", "page"}


def test_every_record_has_page_kind_and_ocr(indexed: Indexed):
    for record in indexed.paragraphs:
        assert {"page", "kind", "ocr"} <= record.keys()
        assert record["ocr"] is False and record["kind"] in (None, "note", "table-row", "list-item", "signature")
    assert {record["page"] for record in indexed.of("page")} == {None}  # HTML has no pages


def test_pdf_paragraphs_keep_their_pages_and_the_signature(indexed: Indexed):
    records = indexed.of(doc_id(TEXT_PDF))
    assert {record["page"] for record in records} == {1, 2}
    signature = indexed.find(doc_id(TEXT_PDF), "ДИРЕКТОР ФЕДЕРАЛЬНОЙ СЛУЖБЫ")
    assert (signature["kind"], signature["page"]) == ("signature", 1)
    first = indexed.find(doc_id(TEXT_PDF), "1. Настоящие Требования разработаны")
    assert (first["label"], first["page"], first["lang"]) == ("1", 2, "ru")
    assert first["section"].endswith("I. Общие положения")


def test_table_rows_carry_their_headers_and_notes_are_marked(indexed: Indexed):
    row = indexed.find(doc_id(HTML), "Наименование категории (группы) универсальных компетенций: Командная работа")
    assert row["kind"] == "table-row"
    assert "Код и наименование универсальной компетенции выпускника: УК-3." in row["text"]
    note = indexed.find(doc_id(HTML), "<1> Часть 2 статьи 81 Федерального закона")
    assert (note["kind"], note["label"]) == ("note", "1")


def test_a_file_without_a_suffix_is_read_by_its_content_and_described_by_the_catalogue(indexed: Indexed):
    second = indexed.find("ukrf-excerpt", "2. Никто не может нести уголовную ответственность дважды")
    assert (second["label"], second["page"]) == ("2", 2)
    assert second["section"] == "Уголовный кодекс — Статья 6. Принцип справедливости"
    assert indexed.find("ukrf-excerpt", "Первый")["kind"] == "table-row"
    excerpt = indexed.document("ukrf-excerpt")
    # The catalogue's title, year and issuer; the date the file itself records.
    assert excerpt["title"] == "Уголовный кодекс Российской Федерации (выдержка)"
    assert (excerpt["year"], excerpt["issuer"], excerpt["date"]) == (1996, "Государственная Дума", "2017-10-20")
    assert excerpt["source"] == ODT_COPY


def test_file_metadata_describes_documents_without_a_catalogue_entry(indexed: Indexed):
    contract = indexed.document(doc_id(BILINGUAL))
    assert (contract["author"], contract["year"], contract["date"]) == ("Гульсина Кадырбекызы", 2021, "2021-09-28")
    page = indexed.document("page")  # a .pdf that is an HTML page: its <title>, <meta> and canonical address
    assert page["title"] == "Порядок аккредитации переводчиков"
    assert (page["author"], page["year"], page["source_url"]) == (
        "Министерство юстиции",
        2023,
        "https://example.org/akkreditaciya",
    )
    assert "url" not in page  # a result's "url" is its link to the paragraph
    assert indexed.find("page", "1. Переводчик подаёт заявление")["section"] == "Порядок аккредитации переводчиков"


def test_a_bilingual_table_gives_the_alignment_pairs(indexed: Indexed):
    prefix = f"{doc_id(BILINGUAL)}:"
    pairs = [pair for pair in indexed.alignment if pair["kk_id"].startswith(prefix)]
    assert len(pairs) > 40
    assert all(pair["score"] == 1.0 for pair in pairs)  # from the layout, not aligned again by meaning
    lang = {record["id"]: record["lang"] for record in indexed.paragraphs}
    assert all((lang[pair["kk_id"]], lang[pair["ru_id"]]) == ("kk", "ru") for pair in pairs)
    kazakh = indexed.find(doc_id(BILINGUAL), "1.1. Осы Келісімнің мәні")
    russian = indexed.find(doc_id(BILINGUAL), "1.1. Предметом настоящего Соглашения")
    assert {"kk_id": kazakh["id"], "ru_id": russian["id"], "score": 1.0} in pairs
    assert len({pair["kk_id"] for pair in pairs}) == len(pairs)  # each Kazakh paragraph paired once


def test_search_finds_each_document(indexed: Indexed):
    queries = {
        "защита информации в государственных информационных системах": doc_id(TEXT_PDF),
        "федеральный государственный образовательный стандарт": doc_id(HTML),
        "принцип справедливости уголовная ответственность дважды": "ukrf-excerpt",
        "аккредитация переводчиков": "page",
    }
    for query, expected in queries.items():
        assert search(indexed.index, query)[0]["doc_id"] == expected, query


def test_a_kazakh_hit_brings_its_russian_column(indexed: Indexed):
    kazakh = indexed.find(doc_id(BILINGUAL), "1.1. Осы Келісімнің мәні")
    russian = indexed.find(doc_id(BILINGUAL), "1.1. Предметом настоящего Соглашения")
    top = search(indexed.index, "Келісімнің мәні", "--lang", "kk")[0]
    assert top["id"] == kazakh["id"]
    assert top["translation"]["id"] == russian["id"]


def test_a_folder_of_bad_files_leaves_the_published_index_alone(indexed: Indexed, tmp_path: Path):
    write_bad_files(tmp_path)
    before = published_generation(indexed.index).name
    failed = run("-m", "indexer", str(tmp_path), "--index", str(indexed.index), "--cache", str(CACHE), "--quiet")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert (
        "error: no documents to index" in failed.stderr and "the published index, if any, is unchanged" in failed.stderr
    )
    assert published_generation(indexed.index).name == before
    assert dump(indexed.index, "paragraphs") == indexed.paragraphs


@pytest.mark.slow
def test_a_garbled_pdf_is_indexed_from_ocr_in_real_russian(tmp_path_factory: pytest.TempPathFactory):
    if not tesseract_available():
        pytest.skip("Tesseract with rus and kaz is not installed (make ocr)")
    folder = tmp_path_factory.mktemp("scans")
    for name in (GARBLED_PDF, TEXT_PDF):
        copy_fixture(name, folder)
    indexed = index_folder(folder, tmp_path_factory.mktemp("index"))
    assert indexed.stdout.startswith("indexed 2 documents") and "skipped" not in indexed.stderr
    records = indexed.of(doc_id(GARBLED_PDF))
    assert all(record["ocr"] for record in records) and {record["page"] for record in records} == {1, 2}
    assert not any(record["ocr"] for record in indexed.of(doc_id(TEXT_PDF)))
    text = " ".join(record["text"] for record in records)
    assert "]heh" not in text and "(cid:" not in text
    words = [word.lower().replace("ё", "е") for word in re.findall(r"[А-Яа-яЁё]{3,}", text)]
    assert len(words) > 300 and sum(map(is_known_russian_word, words)) / len(words) > 0.9
    article = indexed.find(doc_id(GARBLED_PDF), "Лица, совершившие преступления, равны перед законом")
    assert article["section"].endswith("Статья 4. Принцип равенства граждан перед законом")
    top = search(indexed.index, "действие уголовного закона во времени")[0]
    # the article's paragraphs, found by its heading's words as well as their own
    assert top["doc_id"] == doc_id(GARBLED_PDF) and "Действие уголовного закона во времени" in top["section"]

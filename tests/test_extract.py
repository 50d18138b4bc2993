import json

import pytest

from indexer.extract import DocumentError, load_document

TEXT = "Заголовок отчёта\n\n\n\nПервый абзац текста о правах человека.\n\n \n\nВторой абзац, уже о свободе собраний.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_text_in_any_common_encoding_reads_the_same(tmp_path, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode(encoding))
    document = load_document(path, {})
    assert [p.text for p in document.paragraphs] == [
        "Первый абзац текста о правах человека.",
        "Второй абзац, уже о свободе собраний.",
    ]
    assert document.doc_id == "report"
    assert document.title == "Заголовок отчёта"


def test_catalogue_entry_gives_id_and_title(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(TEXT, encoding="utf-8")
    document = load_document(
        path, {"x.txt": {"file": "x.txt", "doc_id": "my-report", "title": "Мой отчёт", "year": 2020}}
    )
    assert (document.doc_id, document.title, document.meta) == ("my-report", "Мой отчёт", {"year": 2020})


def test_beir_records_become_paragraphs_with_their_ids(tmp_path):
    path = tmp_path / "corpus.jsonl"
    records = [{"_id": "d7", "title": "Т", "text": "Первый текст"}, {"_id": "d9", "title": "", "text": "Второй"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    document = load_document(path, {})
    assert [(p.id_key, p.text, p.section) for p in document.paragraphs] == [
        ("d7", "Первый текст", "Т"),
        ("d9", "Второй", None),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "unsupported: an image"),
        ("data.txt", b"\x01\x02\x00\x03 binary", "binary"),
        ("broken.txt", b"\xff\xfe\x41", "undecodable"),
        ("report.pdf", b"%PDF-1.4", "corrupt PDF"),
        ("notes.md", "# Заметки\n\nТекст.\n".encode(), "unsupported file type"),
        ("bad.jsonl", b'{"_id": "1", "text": "ok"}\n{not json}\n', "line 2"),
    ],
)
def test_bad_files_give_a_clear_message(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message) as error:
        load_document(path, {})
    assert name in str(error.value)


def test_a_file_describes_itself_and_the_catalogue_overrides_it(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(
        "<html><head><title>Приказ № 5</title><meta name='author' content='Минюст'><meta name='date' "
        "content='2022-03-01'><link rel='canonical' href='https://example.org/5'></head><body><p>Текст приказа.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    document = load_document(path, {})
    assert document.title == "Приказ № 5"
    assert document.meta == {
        "author": "Минюст",
        "date": "2022-03-01",
        "year": 2022,
        "source_url": "https://example.org/5",
    }
    entry = {"file": "page.htm", "doc_id": "order-5", "title": "Приказ Минюста № 5", "year": 2021, "number": "5"}
    document = load_document(path, {"page.htm": entry})
    assert (document.doc_id, document.title) == ("order-5", "Приказ Минюста № 5")
    assert document.meta == {
        "author": "Минюст",
        "date": "2022-03-01",
        "year": 2021,
        "source_url": "https://example.org/5",
        "number": "5",
    }


def test_a_file_name_in_the_title_property_is_not_a_title(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(
        "<html><head><title>scan0042.pdf</title></head><body><h1>Доклад</h1><p>Текст.</p></body></html>",
        encoding="utf-8",
    )
    assert load_document(path, {}).title == "Доклад"

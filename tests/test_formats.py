"""Users' own documents (indexer/formats): each real fixture read as a reader of it would, and bad files refused.

The fixtures are in ``../shared/fixtures`` (see its README); OCR tests are marked slow.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest

from indexer.analysis import is_known_russian_word
from indexer.formats import Extracted, FormatError, detect_format, read_blocks, read_blocks_from_bytes
from indexer.formats.blocks_to_paragraphs import paragraph_pairs, paragraphs_from_blocks
from indexer.formats.ocr import tesseract_available
from indexer.paragraphs import Paragraph
from tests.conftest import shared_path


@cache
def _read(name: str) -> Extracted:
    return read_blocks(shared_path("fixtures", name))


def _read_with_ocr(name: str) -> Extracted:
    if not tesseract_available():
        pytest.skip("Tesseract with rus and kaz is not installed (make ocr)")
    return _read(name)


def _paragraphs(name: str) -> list[Paragraph]:
    return paragraphs_from_blocks(_read(name).blocks)


def _find(paragraphs: list[Paragraph], start: str) -> Paragraph:
    found = [paragraph for paragraph in paragraphs if paragraph.text.startswith(start)]
    assert found, f"no paragraph starts with {start!r}"
    return found[0]


def _known_share(text: str) -> float:
    words = [word.lower() for word in re.findall(r"[А-Яа-яЁё]{3,}", text)]
    return sum(is_known_russian_word(word.replace("ё", "е")) for word in words) / len(words)


# --- PDF with a text layer --------------------------------------------------------------------------------------


def test_text_layer_pdf_reads_in_order_and_keeps_the_signature_block_whole():
    extracted = _read("ru_law_fstec_order17_textlayer.pdf")
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    assert extracted.pages == 2 and extracted.ocr_pages == []
    starts = [
        "11 февраля 2013 г. Москва № 17",
        "В соответствии с частью 5 статьи 16",
        "1. Утвердить прилагаемые Требования",
        "2. Установить, что указанные",
        "ДИРЕКТОР ФЕДЕРАЛЬНОЙ СЛУЖБЫ",
        "УТВЕРЖДЕНЫ приказом ФСТЭК России от 11 февраля 2013 г. № 17",
        "1. Настоящие Требования разработаны",
    ]
    ordinals = [_find(paragraphs, start).ordinal for start in starts]
    assert ordinals == sorted(ordinals)
    signature = _find(paragraphs, "ДИРЕКТОР ФЕДЕРАЛЬНОЙ СЛУЖБЫ")
    assert signature.text == "ДИРЕКТОР ФЕДЕРАЛЬНОЙ СЛУЖБЫ ПО ТЕХНИЧЕСКОМУ И ЭКСПОРТНОМУ КОНТРОЛЮ В.СЕЛИН"
    assert (signature.kind, signature.page) == ("signature", 1)
    # Letter-spaced «П Р И К А З Ы В А Ю» reads as the word; a paragraph runs whole over its printed lines.
    preamble = _find(paragraphs, "В соответствии с частью 5 статьи 16")
    assert preamble.text.endswith("ПРИКАЗЫВАЮ:") and "Российской Федерации от 16 августа 2004 г." in preamble.text
    first = _find(paragraphs, "1. Настоящие Требования разработаны")
    assert (first.label, first.page) == ("1", 2)
    assert first.section.endswith("I. Общие положения")
    assert not any(paragraph.text in ("ПРИКАЗ", "I. Общие положения") for paragraph in paragraphs)  # headings


@pytest.mark.slow
def test_kazakh_guide_keeps_its_contents_out_of_the_text():
    extracted = _read("kk_guide_enbek_authors.pdf")
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    assert extracted.pages == 46 and extracted.ocr_pages == []
    toc = [block for block in extracted.blocks if block.kind == "toc"]
    assert len(toc) >= 19 and all(block.page == 2 for block in toc)
    assert not any(re.search(r"\b(?:Кіріспе 4|Курсты жариялау 37)$", paragraph.text) for paragraph in paragraphs)
    # Page numbers and footers are gone; paragraphs keep their page and fall under their heading.
    assert not any(re.fullmatch(r"\d{1,3}", paragraph.text) for paragraph in paragraphs)
    intro = _find(paragraphs, "Әдістемелік нұсқаулық авторлаға онлайн режимде")
    assert (intro.page, intro.section) == (4, "2. Кіріспе")
    assert intro.text.endswith("ұсыныстар әзірленді.")
    # A paragraph that runs over a page break is one paragraph, on the page it starts on.
    assert any(
        paragraph.page == 4 and "«Мен курстың авторы болғым келеді» батырмасын" in paragraph.text
        for paragraph in paragraphs
    )
    # Numbered sub-points keep their numbers; a footnote is a note, not running text.
    assert _find(paragraphs, "3) мүгедектер;").label == "3)"
    note = _find(paragraphs, "1 http://adilet.zan.kz")
    assert (note.kind, note.label, note.page) == ("note", "1", 7)


def _one_page_pdf(runs: list[tuple[float, float, str]]) -> bytes:
    """A minimal PDF page with Helvetica text at the given (x, y) positions."""
    content = "BT /F1 11 Tf " + " ".join(f"1 0 0 1 {x} {y} Tm ({text}) Tj" for x, y, text in runs) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return pdf


def test_two_column_page_reads_left_column_first(tmp_path: Path):
    runs = [(230, 740, "Notes on the two columns")]
    for i in range(20):
        runs.append((72, 700 - 14 * i, f"left words of the first column line {i:02d} goes"))
        runs.append((330, 700 - 14 * i, f"right words of the second column line {i:02d} goes"))
    path = tmp_path / "columns.pdf"
    path.write_bytes(_one_page_pdf(runs))
    text = " ".join(block.text for block in read_blocks(path).blocks)
    assert text.startswith("Notes on the two columns")
    assert text.index("line 19 goes") < text.index("right words of the second column line 00")
    assert "left" not in text[text.index("right words") :]


def test_skew_is_measured_on_a_tilted_page():
    import pypdfium2 as pdfium

    from indexer.formats.ocr import skew_angle

    document = pdfium.PdfDocument(shared_path("fixtures", "ru_law_fstec_order17_textlayer.pdf"))
    image = document[1].render(scale=100 / 72, grayscale=True).to_pil()
    assert abs(skew_angle(image)) <= 0.25
    assert abs(skew_angle(image.rotate(2, fillcolor=255)) + 2) <= 0.25
    document.close()


@pytest.mark.slow
def test_garbled_text_layer_is_read_by_ocr_into_real_russian():
    extracted = _read_with_ocr("ru_law_ukrf_garbled_textlayer.pdf")
    assert extracted.ocr_pages == [1, 2]
    assert all(block.ocr for block in extracted.blocks)
    text = " ".join(block.text for block in extracted.blocks)
    assert "]heh" not in text and "(cid:" not in text
    assert _known_share(text) > 0.9
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    article = _find(paragraphs, "Лица, совершившие преступления, равны перед законом")
    assert article.section.endswith("Статья 4. Принцип равенства граждан перед законом")
    assert article.text.endswith("а также других обстоятельств.")  # four printed lines, one paragraph
    assert _find(paragraphs, "2. Никто не может нести уголовную ответственность дважды").label == "2"
    assert "Бесплатная юридическая консультация" not in text  # the footer of every page


@pytest.mark.slow
def test_black_and_white_scan_reads_in_order():
    extracted = _read_with_ocr("ru_scan_fstec_order75_bw.pdf")
    assert extracted.pages == 4 and extracted.ocr_pages == [1, 2, 3, 4]
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    starts = [
        "В соответствии с пунктом 3 Правил подготовки",
        "Утвердить прилагаемый Порядок согласования",
        "1. Настоящий Порядок устанавливает процедуру",
        "2. Согласование подключения",
        "4. Для согласования подключения значимого объекта",
    ]
    found = [_find(paragraphs, start) for start in starts]
    assert [paragraph.ordinal for paragraph in found] == sorted(paragraph.ordinal for paragraph in found)
    assert [paragraph.page for paragraph in found] == [1, 1, 2, 2, 2]
    assert [paragraph.label for paragraph in found[2:]] == ["1", "2", "4"]
    assert "ПРИКАЗЫВАЮ" in found[0].text and found[0].text.endswith("ст. 3099), ПРИКАЗЫВАЮ:")
    note = _find(paragraphs, "Порядок ведения реестра значимых объектов")  # the footnote, set smaller
    assert (note.kind, note.page) == ("note", 2)
    assert note.text.endswith("8 февраля 2018 г., регистрационный 49966).")  # OCR drops the №
    assert _known_share(" ".join(paragraph.text for paragraph in paragraphs)) > 0.85


# --- DOCX --------------------------------------------------------------------------------------------------------


def test_bilingual_contract_gives_kazakh_russian_pairs():
    extracted = _read("kk_ru_bilingual_contract_template.docx")
    assert len(extracted.pairs) >= 60
    assert all((extracted.blocks[kk].lang, extracted.blocks[ru].lang) == ("kk", "ru") for kk, ru in extracted.pairs)
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    by_ordinal = {paragraph.ordinal: paragraph for paragraph in paragraphs}
    pairs = paragraph_pairs(paragraphs, extracted.pairs)
    assert len(pairs) >= 50
    kazakh = _find(paragraphs, "1.1. Осы Келісімнің мәні")
    russian = by_ordinal[dict(pairs)[kazakh.ordinal]]
    assert russian.text.startswith("1.1. Предметом настоящего Соглашения")
    assert (kazakh.lang, russian.lang, kazakh.label, russian.label) == ("kk", "ru", "1.1", "1.1")
    # Each language keeps its own headings.
    assert (kazakh.section, russian.section) == ("1. Келісімнің мәні", "1. Предмет Соглашения")
    assert all(by_ordinal[kk].label == by_ordinal[ru].label for kk, ru in pairs)


def test_legal_database_docx_keeps_clauses_notes_and_table_rows_apart():
    paragraphs = _paragraphs("ru_kz_npa_lease_rules_adilet.docx")
    notes = [paragraph for paragraph in paragraphs if paragraph.text.startswith("Сноска.")]
    assert len(notes) >= 20 and all(paragraph.kind == "note" for paragraph in notes)
    assert not any("Сноска." in paragraph.text for paragraph in paragraphs if paragraph.kind != "note")
    clause = _find(paragraphs, "2. В настоящих Правилах используются следующие основные понятия:")
    assert clause.label == "2" and clause.section.endswith("Глава 1. Общие положения")
    assert _find(paragraphs, "1) балансодержатель – государственное юридическое лицо").label == "1)"
    assert paragraphs[clause.ordinal].label == "1)"  # the sub-points follow their clause
    rows = [paragraph for paragraph in paragraphs if paragraph.kind == "table-row"]
    assert any(paragraph.text == "№ п/п: 1; Сведения: наименование" for paragraph in rows)
    assert _find(paragraphs, "Министр Е. Досаев").kind == "signature"


def test_rosstat_docx_footnote_numbering_and_tables():
    extracted = _read("ru_tz_rosstat_footnotes_tables.docx")
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    note = _find(paragraphs, "Точное наименование проекта документа определяется")
    assert (note.kind, note.label) == ("note", "1")
    citing = [paragraph for paragraph in paragraphs if "¹" in paragraph.text]
    assert len(citing) == 1 and citing[0].ordinal < note.ordinal  # the citation, before its note
    # The contents (Word's toc styles) are not paragraphs; Word's computed heading numbers are in the sections.
    assert sum(block.kind == "toc" for block in extracted.blocks) >= 25
    assert not any(paragraph.text.startswith("1.1. Основание для выполнения") for paragraph in paragraphs)
    software = _find(paragraphs, "Для реализации функций ЦСОД используется")
    assert software.section == "3.2 ЦСОД — 3.2.1 Состав ПО ЦСОД"
    assert _find(paragraphs, "1) Пакет программного обеспечения Datastax").label == "1)"
    assert any(paragraph.text == "Сокращение: АС; Описание: Автоматизированная система" for paragraph in paragraphs)
    assert any(paragraph.text == "Процессор: 2 (два) Intel Xeon E5-2630v3, 2.40ГГц" for paragraph in paragraphs)
    assert extracted.meta["author"] == "Сотрудник" and extracted.meta["year"] == 2020
    assert extracted.pages and software.page and 1 < software.page <= extracted.pages


# --- ODT and HTML -----------------------------------------------------------------------------------------------


def test_odt_articles_become_sections_of_their_parts():
    paragraphs = _paragraphs("ru_law_ukrf_excerpt.odt")
    assert not any(paragraph.text.startswith("Статья") for paragraph in paragraphs)
    second = _find(paragraphs, "2. Никто не может нести уголовную ответственность дважды")
    assert second.label == "2" and second.section == "Уголовный кодекс — Статья 6. Принцип справедливости"
    assert second.page == 2  # LibreOffice's last page break
    assert _find(paragraphs, "Первый").kind == "table-row"
    assert len(paragraphs) == 16


def test_ministry_html_page_without_chrome():
    extracted = _read("ru_law_minjust_prikaz.html")
    text = "\n".join(block.text for block in extracted.blocks)
    for chrome in ("jQuery", "function", "contextPath", "Искать выбранный текст", "searchSelectedButton"):
        assert chrome not in text
    paragraphs = paragraphs_from_blocks(extracted.blocks)
    first = _find(paragraphs, "1.1. Настоящий федеральный государственный образовательный стандарт")
    assert first.label == "1.1" and first.section.endswith("I. Общие положения")
    note = _find(paragraphs, "<1> Часть 2 статьи 81 Федерального закона")
    assert (note.kind, note.label) == ("note", "1")
    assert not any(re.fullmatch(r"-{5,}", paragraph.text) for paragraph in paragraphs)
    assert _find(paragraphs, "Министр В.Н. Фальков").kind == "signature"
    row = _find(paragraphs, "Наименование категории (группы) универсальных компетенций: Командная работа")
    assert row.kind == "table-row" and "Код и наименование универсальной компетенции выпускника: УК-3." in row.text


def test_html_superscripts_menus_and_metadata(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Кодекс</title><meta name='author' content='Минюст'>"
        "<link rel='canonical' href='https://example.org/kodeks'><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Главная</a> <a href='/a'>Акты</a></nav>"
        "<div class='top-menu'><ul><li><a href='/1'>Новости</a></li><li><a href='/2'>Поиск</a></li>"
        "<li><a href='/3'>Контакты</a></li></ul></div>"
        "<main><h1>Статья 15<sup>1</sup>. Особый порядок</h1><p>Текст статьи 15<sup>1</sup> "
        "и <span style='vertical-align: super'>2</span> сноски.</p></main>"
        "<footer>© Портал</footer></body></html>",
        encoding="utf-8",
    )
    extracted = read_blocks(page)
    assert [block.text for block in extracted.blocks] == ["Статья 15¹. Особый порядок", "Текст статьи 15¹ и ² сноски."]
    assert extracted.blocks[0].kind == "heading"
    assert extracted.meta == {"title": "Кодекс", "author": "Минюст", "url": "https://example.org/kodeks"}


# --- what a file is, and files that cannot be read -------------------------------------------------------------


def test_formats_are_told_by_content_not_name(tmp_path: Path):
    names = {
        "ru_law_fstec_order17_textlayer.pdf": "pdf",
        "kk_ru_bilingual_contract_template.docx": "docx",
        "ru_law_ukrf_excerpt.odt": "odt",
        "ru_law_minjust_prikaz.html": "html",
    }
    for name, kind in names.items():
        assert detect_format(shared_path("fixtures", name).read_bytes(), "renamed.txt") == kind
    assert detect_format("Просто текст.\n".encode("cp1251"), "note.pdf") == "text"


def test_a_pdf_that_is_really_html_is_read_as_html(tmp_path: Path):
    fake = tmp_path / "report.pdf"
    fake.write_text("<html><body><p>Это страница, а не PDF.</p></body></html>", encoding="utf-8")
    assert [block.text for block in read_blocks(fake).blocks] == ["Это страница, а не PDF."]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("blank.docx", b"  \n", "empty"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "unsupported"),
        ("letter.rtf", b"{\\rtf1\\ansi Hello}", "unsupported"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "corrupt"),
        ("sheet.docx", b"PK\x03\x04" + b"\0" * 64, "corrupt"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError) as error:
        read_blocks(path)
    message = str(error.value)
    assert message.startswith(f"{name}: ") and reason in message
    if reason == "unsupported":
        assert "save it as DOCX or PDF" in message


def test_encrypted_pdf_is_refused(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as file:
        writer.write(file)
    with pytest.raises(FormatError, match=r"^locked\.pdf: encrypted PDF: .*password"):
        read_blocks(path)


def test_zip_bomb_disguised_as_docx_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(64):  # 64 MB of zeros: a few dozen KB packed
                member.write(chunk)
    assert path.stat().st_size < 2**20
    with pytest.raises(FormatError, match=r"^bomb\.docx: refused: the archive would unpack to 64 MB"):
        read_blocks(path)


def test_corrupt_docx_xml_is_refused(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    path = tmp_path / "damaged.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FormatError, match=r"^damaged\.docx: corrupt DOCX"):
        read_blocks(path)


def test_a_reader_that_fails_in_an_undocumented_way_refuses_only_that_file():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1))
    written = io.BytesIO()
    document.save(written)
    damaged = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "word/document.xml":  # a merged cell that spans "two" columns: int() fails
                part = part.replace(b'w:gridSpan w:val="2"', b'w:gridSpan w:val="two"')
            target.writestr(info, part)
    with pytest.raises(FormatError, match=r"^odd\.docx: unreadable DOCX: ValueError: .*'two'"):
        read_blocks_from_bytes(damaged.getvalue(), "odd.docx")

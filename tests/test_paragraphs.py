"""The splitter on each real report: every judged paragraph whole and alone, numbers, headings, languages."""

from collections import Counter

import pytest

from indexer.language import detect_language
from indexer.paragraphs import split_paragraphs
from search.evaluate import match_form
from tests.conftest import CORPUS, shared_path


def paragraphs_of(prefix: str):
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return split_paragraphs(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def all_paragraphs():
    return {
        path.name: [match_form(p.text) for p in split_paragraphs(path.read_text(encoding="utf-8"))]
        for path in CORPUS.glob("*.txt")
    }


def test_every_judged_quote_lies_inside_exactly_one_paragraph(all_paragraphs, dev_queries):
    import json

    quotes = [(r["doc"], r["quote"]) for q in dev_queries for r in q["relevant"]]
    align = shared_path("eval", "dev_align_004.jsonl").read_text(encoding="utf-8").splitlines()
    quotes += [("004_9641ebcea6de96ce.txt", pair[lang]) for pair in map(json.loads, align) for lang in ("kk", "ru")]
    missing = [quote for doc, quote in quotes if not any(match_form(quote) in p for p in all_paragraphs[doc])]
    assert not missing
    # A quote found in two paragraphs means one paragraph was cut and its pieces repeat text: allow only
    # the one known sentence that the report itself repeats across a line break.
    repeated = [q for doc, q in quotes if sum(match_form(q) in p for p in all_paragraphs[doc]) > 1]
    assert repeated in ([], ["Порог прохождения политических партий в нижнюю палату Парламента"])


def test_no_two_judged_paragraphs_of_a_query_are_merged(all_paragraphs, dev_queries):
    # 000 numbers its own paragraphs (two quotes may come from one of them); 002's table rows are judged apart.
    unnumbered = ("001", "003", "004")
    for query in dev_queries:
        by_paragraph = Counter()
        for r in query["relevant"]:
            for i, p in enumerate(all_paragraphs[r["doc"]]):
                if match_form(r["quote"]) in p:
                    by_paragraph[(r["doc"], i)] += 1
        merged = [key for key, n in by_paragraph.items() if n > 1 and key[0].startswith(unnumbered)]
        # Known limit: twice in 004's Russian annex a sentence ends on a full line ("…лишением свободы.") and
        # the next paragraph starts on the next line; layout alone cannot tell this from a sentence break.
        # The Kazakh side of both is split right: the RU/KZ alignment is the place to fix it.
        known = query["id"] in ("q072", "q075") and all(key[0].startswith("004") for key in merged)
        assert not merged or known and len(merged) == 1, query["id"]


def test_ccpr_answers_keep_all_489_numbers_as_labels():
    paragraphs = paragraphs_of("000")
    labels = [p.label for p in paragraphs if p.label]
    assert labels == [str(n) for n in range(1, 490)]
    para80 = next(p for p in paragraphs if p.label == "80")
    assert para80.text.count("•") == 4  # bullets stay inside their numbered paragraph
    assert para80.section.startswith("Недискриминация")


def test_headings_become_sections_not_results():
    paragraphs = paragraphs_of("000")
    assert not any(p.text.startswith("Ответ на пункт") for p in paragraphs)
    assert paragraphs[0].section.startswith("A. Общая информация")
    assert paragraphs[0].section.endswith("Ответ на пункт 1 перечня вопросов")
    covid = paragraphs_of("003")
    assert covid[1].section == "Резюме"
    assert not any(p.text in ("Резюме", "Чрезвычайное положение") for p in covid)


def test_line_end_hyphens_join_compounds_and_keep_them():
    text = " ".join(p.text for p in paragraphs_of("000"))
    assert "риск-ориентированного" in text and "уголовно-исполнительной" in text
    assert "(2018–2022 годы" in text
    kazakh = " ".join(p.text for p in paragraphs_of("004"))
    assert "бар-жоғына" in kazakh and "1541-і" in kazakh and "56-сы" in kazakh


def test_footnotes_and_bare_urls_leave_running_text():
    covid = paragraphs_of("003")
    text = " ".join(p.text for p in covid)
    assert "Хотя и были неподтвержденные слухи" not in text  # footnote 1
    assert not any(p.text.startswith("http") for p in covid)
    # A heading interrupted by a footnote block comes back whole.
    assert any(p.section == "Карантин, строгая изоляция и контрольно-пропускные пункты" for p in covid)
    # The paragraph cut by footnotes 1–3 continues after them.
    assert any("тесты на антитела" in p.text and "До 15 июля" in p.text for p in covid)


def test_table_rows_are_paragraphs_of_their_own():
    rows = [p for p in paragraphs_of("002") if "\t" in p.text]
    assert len(rows) == 37
    assert any(
        p.text == "Нагрузка на следователя\t13,57"
        and p.section == "Орган расследования сообщений о пытках и жестоком обращении"
        for p in rows
    )


def test_dash_items_and_letter_furniture_stand_alone():
    torture = paragraphs_of("001")
    assert sum(p.text.startswith("- ") for p in torture) >= 9
    letter = [p.text for p in paragraphs_of("004")]
    assert "Құрметті Бақытбек Смағұлұлы, Әлия Маратқызы!" in letter
    assert "Министрдің міндетін атқарушы М. Қожаев" in letter
    assert "Тел.: 72-30-74" in letter


def test_bilingual_letter_parts_get_their_language():
    languages = [detect_language(p.text) for p in paragraphs_of("004")]
    # Kazakh cover letter, Russian cover letter, Kazakh annex, Russian annex: four runs, nothing mixed.
    runs = [lang for i, lang in enumerate(languages) if i == 0 or languages[i - 1] != lang]
    assert runs == ["kk", "ru", "kk", "ru"]


def test_source_line_ranges_point_at_the_text():
    lines = next(CORPUS.glob("000_*.txt")).read_text(encoding="utf-8").splitlines()
    for p in paragraphs_of("000")[:50]:
        first, last = p.lines
        assert lines[first - 1].strip().startswith(p.text[:20])
        assert first <= last

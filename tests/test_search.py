"""Build and search end to end on the real corpus, through the Python API and the command lines."""

import json
import subprocess

import numpy as np
import pytest
from whoosh import query as q

from indexer.analysis import tokenize
from indexer.build import NoDocuments, build_index
from indexer.generation import published_generation
from indexer.paragraph_file import ParagraphFile
from indexer.ranking import ranks_of, top_rows
from indexer.records import SHOWN_ONLY
from indexer.vector_index import minority_centroids
from search.engine import SearchEngine, SearchError
from search.query import ParsedQuery, phrases_query, word_alternatives
from tests.conftest import CACHE, CORPUS, PYTHON, ROOT


def ids(response):
    return [r["id"] for r in response["results"]]


def test_inflected_russian_query_finds_the_paragraph(engine):
    response = engine.search("отмена смертной казни", k=3)
    assert "ccpr-answers:16" in ids(response)
    top = response["results"][0]
    assert {
        "id",
        "doc_id",
        "doc_title",
        "label",
        "ordinal",
        "lang",
        "section",
        "text",
        "snippet_html",
        "score",
        "keyword",
        "semantic",
        "url",
        "translation",
    } <= top.keys()
    assert top["keyword"]["rank"] == 1 and "<mark>" in top["snippet_html"]


def test_kazakh_query_meets_other_inflections_and_brings_the_translation(engine):
    results = engine.search("электрондық білезік қолдану", k=6, mode="keyword")["results"]
    kazakh = [r for r in results if r["lang"] == "kk"]
    assert any("білезіктер" in r["text"] for r in kazakh)
    # each Kazakh annex paragraph's Russian original ranks with it
    assert {r["translation"]["id"] for r in kazakh} <= {r["id"] for r in results}


def test_quoted_phrase_matches_inflected_wording_and_exact_identifiers(engine):
    results = engine.search('"лицо, выступающее в официальном качестве"', k=5)["results"]
    assert any("«лица, выступающие в официальном качестве»" in r["text"] for r in results)
    assert engine.search("ДС-219", k=2)["results"][0]["doc_id"] == "mvd-ds-219"
    # in hybrid mode the paragraphs holding the phrase come before any semantic near-miss
    holders = engine.search('"лицо, выступающее"', k=20, mode="keyword")
    hybrid = engine.search('"лицо, выступающее"', k=20)
    assert 0 < holders["total"] < 20 and hybrid["total"] >= holders["total"]
    assert set(ids(hybrid)[: holders["total"]]) == set(ids(holders))


def test_sentences_keep_numbers_and_abbreviations_inside(engine):
    from indexer.sentences import split_sentences as sentences

    text = engine.paragraph("ccpr-answers:206").text
    found = [text[start:end] for start, end in sentences(text)]
    assert len(found) == 5 and found[0].startswith("206. Жертвам пыток выплачивается")
    assert found[2].startswith("Предусмотрена выплата в размере 30, 40 и 50 МРП")
    text = "на базе Костанайской Академии им. Ш. Кабылбаева. С 2006 года по ст. 128 УК, т.е. 30 тыс. тенге."
    assert [text[start:end] for start, end in sentences(text)] == [
        "на базе Костанайской Академии им. Ш. Кабылбаева.",
        "С 2006 года по ст. 128 УК, т.е. 30 тыс. тенге.",
    ]


def test_hits_found_by_meaning_mark_the_sentence_nearest_the_query(engine):
    results = engine.search("Конституциялық Сотқа кімдер жүгіне алады?", k=3, mark_sentences=True)["results"]
    marked = {
        r["id"]: r["snippet_html"] for r in results if r["keyword"] is None and 'class="near"' in r["snippet_html"]
    }
    # the Russian answer to a Kazakh question, with its answering sentence marked
    assert '<mark class="near">Возможность обращаться в Конституционный Суд' in marked["ccpr-answers:7"]
    assert all(html.count("<mark") == 1 for html in marked.values())
    plain = engine.search("Конституциялық Сотқа кімдер жүгіне алады?", k=3)["results"]
    assert all("<mark" not in r["snippet_html"] for r in plain if r["keyword"] is None)


def test_filters_paging_and_totals(engine):
    full = engine.search("пытки", k=20)
    page = engine.search("пытки", k=10, offset=10)
    assert ids(page) == ids(full)[10:20] and page["total"] == full["total"] > 20
    assert {r["doc_id"] for r in engine.search("пытки", k=20, doc="iphr-covid-2020")["results"]} == {"iphr-covid-2020"}
    assert {r["lang"] for r in engine.search("сотталған", k=20, lang="kk")["results"]} == {"kk"}


def test_markup_in_queries_is_escaped_and_odd_syntax_is_text(engine):
    response = engine.search('<script>alert("пытки")</script>', k=3)
    assert all("<script>" not in r["snippet_html"] for r in response["results"])
    assert engine.search('"незакрытая кавычка пыток', k=3)["total"] > 0
    assert engine.search("", k=3)["total"] == 0
    with pytest.raises(SearchError):
        engine.search("пытки", mode="nonsense")
    with pytest.raises(SearchError):
        engine.search("пытки", k=0)


def test_rebuild_of_unchanged_corpus_is_skipped_and_failed_build_keeps_published(tmp_path):
    index = tmp_path / "index"
    first = build_index([CORPUS / "002_8f2f399057266b42.txt"], index, progress=False, cache_dir=CACHE)
    again = build_index([CORPUS / "002_8f2f399057266b42.txt"], index, progress=False, cache_dir=CACHE)
    assert again.up_to_date and again.generation == first.generation
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("", encoding="utf-8")
    with pytest.raises(NoDocuments, match="empty"):
        build_index([empty], index, progress=False)
    assert published_generation(index).name == first.generation
    assert SearchEngine(index).search("Бюджет", k=1)["total"] > 0


def run(*args, **kwargs):
    return subprocess.run([PYTHON, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.slow
def test_command_lines_index_dump_and_search(tmp_path):
    bad = tmp_path / "corpus"
    bad.mkdir()
    (bad / "report.txt").write_text(
        (CORPUS / "001_27722cde2d5242b3.txt").read_text(encoding="utf-8"), encoding="cp1251"
    )
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    index = tmp_path / "index"
    built = run("-m", "indexer", str(bad), "--index", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    assert "binary.txt" in built.stderr and "indexed 1 documents" in built.stdout
    dump = run("-m", "indexer", "--dump", "paragraphs", "--index", str(index))
    records = [json.loads(line) for line in dump.stdout.splitlines()]
    assert records[0].keys() >= {"id", "doc_id", "doc_title", "ordinal", "label", "section", "lang", "text", "lines"}
    found = run("-m", "search", "пытки", "--json", "--k", "3", "--index", str(index))
    assert json.loads(found.stdout)["results"][0]["doc_id"] == "report"
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "пытки"}\n{"id": "b", "query": "адвокат"}\n', encoding="utf-8")
    answers = [
        json.loads(line)
        for line in run("-m", "search", "--batch", str(batch), "--index", str(index)).stdout.splitlines()
    ]
    assert [a["id"] for a in answers] == ["a", "b"] and all(a["results"] for a in answers)
    missing = run("-m", "search", "пытки", "--index", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "python -m indexer" in missing.stderr


def whoosh_word_query(word: str, kazakh: bool) -> q.Query:
    """A query word's alternatives as a whoosh query (whoosh's DisjunctionMax: the best of several lemmas)."""
    parts: list[q.Query] = []
    for field_name, terms, boost in word_alternatives(word, kazakh):
        # several lemmas are rival readings of one word: the best counts, not their sum
        terms_query = [q.Term(field_name, term) for term in terms]
        part = terms_query[0] if len(terms_query) == 1 else q.DisjunctionMax(terms_query)
        part.boost = boost
        parts.append(part)
    return q.Or(parts)


@pytest.mark.parametrize("text", ["права человека", "отмена смертной казни", "электрондық білезік қолдану"])
def test_fast_keyword_path_scores_like_whoosh(engine, text):
    from search.keyword_leg import expand_query
    from search.query import parse_query

    expanded = expand_query(parse_query(text), engine.keyword_index.terms)
    words = expanded.words
    # The reference: whoosh's own BM25F for the same alternatives
    parts = [whoosh_word_query(w, expanded.parsed.kazakh) for w in expanded.parsed.words]
    slow, slow_total = engine.keyword_index.search(q.Or(parts), 20, None, words)
    scores, matched, _ = engine.keyword_index.score_words(words)
    fast = top_rows(scores, 20, above=0.0)
    assert np.count_nonzero(scores) == slow_total
    # The same top 5 but for near ties, which whoosh's one-byte lengths may order either way: each rank's score.
    assert all(abs(scores[row] - hit.score) <= 0.02 * hit.score for row, hit in zip(fast[:5], slow[:5], strict=True))
    # whoosh keeps paragraph lengths in one byte, hence a small tolerance
    compared = [(row, hit) for hit in slow if (row := hit.row) in fast]
    assert len(compared) >= min(15, slow_total)
    assert all(abs(scores[r] - s.score) <= 0.02 * s.score and matched[r] == s.matched for r, s in compared)


def test_an_unknown_id_is_none_in_every_lookup(engine):
    assert engine.paragraph("nope:1") is None and engine.paragraph_json("nope:1") is None
    assert engine.similar("nope:1") is None and engine.translation("nope:1") is None
    assert engine.neighbours("nope:1") == (None, None)


def test_ranks_of_any_rows_count_every_row_that_scores_higher():
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 40, 5000).astype(np.float32)  # many ties
    scores[[7, 11]] = -np.inf
    scores[[20, 21]] = 0.0
    order = top_rows(scores, 300)
    found = ranks_of(scores, order)
    assert list(found) == order
    assert all(found[row] == int((scores > scores[row]).sum()) + 1 for row in order)
    anywhere = [7, 20, *rng.integers(0, 5000, 60).tolist(), 11, 21, order[0]]  # low, tied, repeated, unranked
    found = ranks_of(scores, anywhere, above=0.0)
    assert set(found) == {row for row in anywhere if scores[row] > 0}
    assert all(rank == int((scores > scores[row]).sum()) + 1 for row, rank in found.items())
    assert ranks_of(scores, [7, 11]) == {} and ranks_of(scores, []) == {}
    large = np.round(rng.normal(size=300_000), 2).astype(np.float32)  # rows far down: counted, then bucketed
    asked = [*top_rows(large, 5), *rng.integers(0, len(large), 20).tolist()]  # past the levels counted
    found = ranks_of(large, asked)
    assert all(rank == int((large > large[row]).sum()) + 1 for row, rank in found.items()) and len(found) == len(
        set(asked)
    )


def test_top_rows_of_a_large_array_are_those_a_full_sort_gives():
    """Large arrays take the sampled floor; its answer is the full sort's, rows tied across the limit included."""
    rng = np.random.default_rng(5)
    smooth = rng.normal(size=200_000).astype(np.float32)
    coarse = np.round(smooth, 1)  # thousands of rows share each score
    sparse = np.where(rng.random(200_000) < 0.01, smooth, -np.inf).astype(np.float32)
    small = [np.round(rng.random(size), 1) for size in (64, 128, 256, 4096, 5000)]
    for scores in (smooth, coarse, sparse, *small):
        for limit, above in ((1, -np.inf), (2, 0.5), (100, -np.inf), (400, 0.0), (10, 3.5), (100, 9.0)):
            rows = np.flatnonzero(scores > above)
            expected = rows[np.lexsort((rows, -scores[rows]))][:limit]  # a full sort, ties by row
            assert top_rows(scores, limit, above) == expected.tolist()


def test_paragraph_file_reads_each_record_on_demand(engine, tmp_path):
    """Search keeps where each line of paragraphs.jsonl starts, not the records (memory at a million)."""
    records = engine.generation.read_paragraphs()
    assert len(engine.store.records) == len(records) > 800
    assert engine.store.records[0] == records[0] and engine.store.records[-1] == records[-1]
    assert engine.store.records[400:403] == records[400:403]
    assert all(engine.store.row_of(r.id) == row for row, r in enumerate(records))
    assert engine.store.langs.tolist() == [r.lang for r in records]  # read from the file's lines, not records
    assert engine.store.doc_names[engine.store.doc_codes].tolist() == [r.doc_id for r in records]
    assert engine.store.citable.tolist() == [r.kind not in SHOWN_ONLY for r in records]
    assert engine.store.row_of("ccpr-answers:no-such") is None
    with pytest.raises(IndexError):
        engine.store.records[len(records)]
    # a file whose last line has no end, read after it was removed (a generation pruned under a server)
    path = tmp_path / "paragraphs.jsonl"
    path.write_text("\n".join(json.dumps(r.to_json(), ensure_ascii=False) for r in records[:3]), encoding="utf-8")
    with ParagraphFile(path) as paragraphs:
        path.unlink()
        assert list(paragraphs) == records[:3] and paragraphs[2] == records[2] and len(paragraphs) == 3
        assert list(paragraphs.fields("id", "kind", "absent")) == [(r.id, r.kind, None) for r in records[:3]]
    with pytest.raises(OSError):  # closed: a read never reaches whatever file took its descriptor's number
        paragraphs[0]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with ParagraphFile(empty) as paragraphs:
        assert len(paragraphs) == 0 and list(paragraphs) == []


class _CountedTerm(q.Term):
    """A term query that counts how often its matcher is built."""

    built = 0

    def matcher(self, searcher, context=None):
        _CountedTerm.built += 1
        return super().matcher(searcher, context)


def test_required_phrases_stop_at_the_first_that_no_paragraph_holds(engine):
    """Every quoted phrase is required: a phrase nobody holds ends the search before the others are read (a
    phrase's matcher reads its words' postings as it is built), however many there are."""
    index = engine.keyword_index
    absent = q.Phrase("exact", ["пытки", "абракадабра"])
    _CountedTerm.built = 0
    assert index.rows(q.And([q.Term("exact", "права"), absent, _CountedTerm("exact", "человека")]), 5.0) == (
        set(),
        False,
    )
    assert _CountedTerm.built == 0  # the rarest part comes first, and it has no holder
    assert index.rows(q.And([q.Term("exact", "права"), q.Term("exact", "человека")]), 0.0) == (set(), True)


def test_a_phrase_finds_every_paragraph_holding_it_word_for_word(engine):
    """A non-Kazakh query's phrase is searched in the lemma and stem fields only, a Kazakh query's in the stem
    and exact fields: in either language, every paragraph that holds the words as typed must be among its
    rows. Phrases of both languages, digits among them (whose Kazakh forms are the digits themselves)."""
    index = engine.keyword_index
    rng = np.random.default_rng(11)
    words_of = [[t.text for t in tokenize(record.text)] for record in engine.store.records]
    samples = [w for w in words_of if any(x.isdigit() for x in w)][:40] + [
        words_of[i] for i in rng.integers(0, len(words_of), 120)
    ]
    checked, languages = 0, set()
    for words in samples:
        if len(words) < 4:
            continue
        start = int(rng.integers(0, len(words) - 3))
        width = 2 + int(rng.integers(0, 3))
        if any(x.isdigit() for x in words):  # a window around a number
            start = max(0, min([i for i, x in enumerate(words) if x.isdigit()][0] - 1, len(words) - width))
        phrase = words[start : start + width]
        verbatim, partial = index.rows(q.Phrase("exact", phrase), 5.0)
        assert not partial and verbatim  # the paragraph it was taken from, at least
        for lang in ("ru", "kk"):
            found, partial = index.rows(phrases_query(ParsedQuery(phrases=[phrase], lang=lang)), 5.0)
            assert not partial and verbatim <= found, (phrase, lang)
        checked += 1
        languages.add(engine.store.records[min(verbatim)].lang)
    assert checked >= 100 and {"ru", "kk"} <= languages


def test_required_phrases_find_the_rows_whoosh_finds(engine):
    both = q.And([q.Phrase("exact", ["уголовного", "кодекса"]), q.Term("exact", "статьи")])
    hits, total = engine.keyword_index.search(both, 10_000)
    rows, partial = engine.keyword_index.rows(both, 5.0)
    assert not partial and total > 0 and rows == {hit.row for hit in hits}


def test_the_language_centroids_are_read_from_the_manifest(engine):
    """Search takes the minority languages' mean sentences from the manifest, as the indexer computed them; a
    generation written before it stored them gets the same from its sentence vectors."""
    manifest = engine.generation.manifest
    computed = minority_centroids(engine.sentences, engine.store.langs)
    assert computed.keys() == manifest["language_centroids"].keys() == {"kk"}  # Kazakh is the corpus's minority
    older = {key: value for key, value in manifest.items() if key != "language_centroids"}
    for centroids in (engine._language_centroids(manifest), engine._language_centroids(older)):
        assert centroids.keys() == computed.keys()
        assert all(np.array_equal(centroids[lang], computed[lang]) for lang in computed)

"""Issue 11, indexer side: size limits, long paragraphs, links, catalogue checks, one publisher, clear errors."""

from __future__ import annotations

import json
import resource
import time

import pytest

from indexer import catalog
from indexer.build import build_index
from indexer.catalog import CatalogError, load_catalog, validate_catalog
from indexer.long_paragraphs import MAX_PARAGRAPH_CHARS, paragraph_pieces, split_long_paragraphs
from indexer.paragraphs import Paragraph
from indexer.sentences import split_sentences
from indexer.sources import find_corpus_files
from tests.cli_helpers import OTHER, REPORT, SENTENCE, build, corpus, indexer
from tests.conftest import CACHE, CORPUS

# 3. Size limits, long paragraphs, progress


def test_files_over_the_size_limit_are_skipped_by_name_and_limit_and_the_others_index(tmp_path):
    folder = corpus(tmp_path / "corpus", small=REPORT, big=REPORT + SENTENCE * 20)
    index = tmp_path / "index"
    limited = build(folder, index, env={"KAZSEARCH_MAX_FILE_MB": "0.002"})  # 2 KB: the environment's limit
    assert limited.returncode == 0, limited.stderr
    assert limited.stderr.count("big.txt") == 1  # reported once, not logged and printed
    megabytes = (folder / "big.txt").stat().st_size / (1 << 20)
    assert f"skipped: big.txt: {megabytes:.3g} MB, over the limit of 0.002 MB (--max-file-mb)\n" in limited.stderr
    assert "indexed 1 documents" in limited.stdout
    # The flag wins over the environment; a limit that now admits the file makes the corpus changed.
    raised = build(folder, index, "--max-file-mb", "1", env={"KAZSEARCH_MAX_FILE_MB": "0.002"})
    assert raised.returncode == 0 and "indexed 2 documents" in raised.stdout, raised.stderr
    bad = build(folder, index, "--max-file-mb", "0")
    assert bad.returncode == 2 and "positive number of megabytes" in bad.stderr


def test_a_long_paragraph_is_cut_between_sentences_into_consecutive_paragraphs():
    long_text = " ".join(f"Предложение номер {i} говорит о правах человека и о пытках." for i in range(200))
    paragraphs = [
        Paragraph(1, "Короткий абзац.", (1, 1)),
        Paragraph(2, long_text, (3, 9), label="2", section="Раздел"),
        Paragraph(3, "Последний абзац.", (11, 11)),
    ]
    pieces = split_long_paragraphs(paragraphs)
    middle = pieces[1:-1]
    assert len(middle) == -(-len(long_text) // MAX_PARAGRAPH_CHARS)
    assert [p.ordinal for p in pieces] == list(range(1, len(pieces) + 1))
    assert pieces[0].text == "Короткий абзац." and pieces[-1].text == "Последний абзац."
    assert all(len(p.text) <= MAX_PARAGRAPH_CHARS and p.text.endswith("пытках.") for p in middle)
    assert all((p.label, p.section, p.lines) == ("2", "Раздел", (3, 9)) for p in middle)
    assert " ".join(p.text for p in middle) == long_text
    # About equal pieces, not full ones and a stub
    assert min(len(p.text) for p in middle) > 0.7 * max(len(p.text) for p in middle)
    # A BEIR record cut in pieces keeps its key on the first
    keyed = split_long_paragraphs([Paragraph(1, long_text, (1, 1), key="d7")])
    assert [p.id_key for p in keyed[:3]] == ["d7", "d7.2", "d7.3"]
    assert split_long_paragraphs(paragraphs[:1]) == paragraphs[:1]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("words without a full stop", " ".join(["пытки", "суд", "закон", "решение"] * 2500)),
        ("no white space at all", "абв." * 2500),
    ],
)
def test_a_sentence_without_boundaries_is_cut_at_white_space_or_hard(name, text):
    pieces = paragraph_pieces(text)
    assert len(pieces) > 1 and all(len(piece) <= MAX_PARAGRAPH_CHARS for piece in pieces)
    if " " in text:
        assert " ".join(pieces) == text
        assert {word for piece in pieces for word in piece.split()} == {"пытки", "суд", "закон", "решение"}
    else:
        assert "".join(pieces) == text
    # razdel sees no boundary in these: the pieces come from the long-sentence cuts
    assert len(split_sentences(text)) == 1


@pytest.mark.slow
def test_a_five_megabyte_file_without_line_breaks_indexes_in_bounded_time_and_memory_with_progress(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    data = (SENTENCE * (5_000_000 // len(SENTENCE.encode()) + 1)).encode()[: 5 << 20]
    (folder / "oneline.txt").write_bytes(data[: data.rfind(b" ")])  # whole characters
    index = tmp_path / "index"
    started = time.perf_counter()
    built = indexer(str(folder), "--index", str(index), "--cache", str(CACHE))  # progress bars on
    seconds = time.perf_counter() - started
    assert built.returncode == 0, built.stderr[-2000:]
    assert seconds < 180
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_500_000  # KB: well under 1.5 GB
    for stage in ("reading", "splitting", "analysing", "sentences"):
        assert f"{stage}: 100%" in built.stderr, stage
    records = [json.loads(line) for line in indexer("--dump", "paragraphs", "--index", str(index)).stdout.splitlines()]
    assert len(records) > 600
    assert max(len(r["text"]) for r in records) <= MAX_PARAGRAPH_CHARS
    assert [r["ordinal"] for r in records] == list(range(1, len(records) + 1))


def test_embedding_shows_progress_for_paragraphs_and_sentences(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT)
    built = indexer(str(folder), "--index", str(tmp_path / "index"), "--cache", str(tmp_path / "cache"))
    assert built.returncode == 0, built.stderr
    # Two paragraphs and the two sentences of the first (the second's one sentence takes its paragraph's vector)
    assert "embedding: 100%" in built.stderr and "| 4/4 " in built.stderr
    assert "indexed 1 documents, 2 paragraphs" in built.stdout and "(4 embedded" in built.stdout


# 4. Links


def test_links_out_of_the_folder_are_skipped_and_a_link_loop_does_not_hang(tmp_path):
    outside = corpus(tmp_path / "outside", secret=OTHER)
    folder = corpus(tmp_path / "corpus", report=REPORT)
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.txt").write_text(OTHER, encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "outside-folder").symlink_to(outside, target_is_directory=True)
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # a link to a parent
    (folder / "alias.txt").symlink_to(folder / "report.txt")  # the same file under another name
    (folder / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    found = find_corpus_files([folder])
    assert found.files == [folder / "report.txt", folder / "sub" / "nested.txt"]
    assert found.skipped == [
        f"outside-folder: a link to a folder outside {folder}",
        "dangling.txt: a link that leads to no file",
        f"leak.txt: a link to a file outside {folder}",
    ]
    built = build(folder, tmp_path / "index")
    assert built.returncode == 0, built.stderr
    assert f"skipped: leak.txt: a link to a file outside {folder}\n" in built.stderr
    assert "indexed 2 documents" in built.stdout
    # A file named on the command line is the user's choice: it is read wherever it leads.
    assert find_corpus_files([folder / "leak.txt"]).files == [folder / "leak.txt"]


# 5. Catalogue


BAD_CATALOGUE = """
[[document]]
file = "report.txt"
doc_id = 2020
year = 2020-01-01
title = ["Доклад"]
text = "overwrites the paragraph's own text"

[[document]]
doc_id = "other"
languages = "ru"
rating = 4.5

[[documents]]
file = "typo.txt"
"""


def test_every_catalogue_problem_is_reported_at_once_before_any_work(tmp_path):
    folder = corpus(tmp_path / "corpus", report=REPORT, other=OTHER)
    (folder / "catalog.toml").write_text(BAD_CATALOGUE, encoding="utf-8")
    index, cache = tmp_path / "index", tmp_path / "cache"
    result = build(folder, index, cache=cache)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    where = folder / "catalog.toml"
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {where}: unknown key 'documents': a catalogue holds [[document]] entries only",
        f"error: {where}: [[document]] 'report.txt': 'doc_id' must be a slug of letters, digits, '-', '_' and '.'"
        " (up to 100, first a letter or digit), not the number 2020",
        f"error: {where}: [[document]] 'report.txt': 'year' must be an integer year from 1900 to 2100,"
        " not the date 2020-01-01",
        f"error: {where}: [[document]] 'report.txt': 'title' must be a string, not a list",
        f"error: {where}: [[document]] 'report.txt': 'text' is the name of a field of every paragraph or result:"
        " rename the key",
        f"error: {where}: [[document]] #2: 'file' is missing",
        f"error: {where}: [[document]] #2: 'languages' must be a list of language codes such as"
        ' ["kk", "ru"], not the string \'ru\'',
        f"error: {where}: [[document]] #2: 'rating' must be a string, an integer or a list of strings,"
        " not the number 4.5",
        "error: nothing was indexed; the published index, if any, is unchanged",
    ]
    assert not index.exists() and not cache.exists()  # nothing was read, embedded or written


def test_catalogue_keeps_extra_metadata_and_refuses_duplicates():
    validate_catalog(
        {"document": [{"file": "a.txt", "doc_id": "a", "year": 2021, "tags": ["пытки"], "pages": 12, "note": "x"}]},
        "catalog.toml",
    )
    assert load_catalog(CORPUS)["000_a0668c75e4931498.txt"]["doc_id"] == "ccpr-answers"
    with pytest.raises(CatalogError) as error:
        validate_catalog(
            {
                "document": [
                    {"file": "a.txt", "doc_id": "a", "year": 1066, "flag": True},
                    {"file": "a.txt", "doc_id": "b", "source": "x"},
                    {"file": "c.txt", "doc_id": "a"},
                ]
            },
            "catalog.toml",
        )
    assert error.value.problems == [
        "catalog.toml: [[document]] 'a.txt': 'year' must be an integer year from 1900 to 2100, not the number 1066",
        "catalog.toml: [[document]] 'a.txt': 'flag' must be a string, an integer or a list of strings,"
        " not the boolean true",
        "catalog.toml: [[document]] 'a.txt': 'source' is the name of a field of every paragraph or result:"
        " rename the key",
        "catalog.toml: [[document]] 'a.txt': the file is listed twice",
        "catalog.toml: [[document]] 'c.txt': doc_id 'a' is given to [[document]] 'a.txt' already",
    ]


def test_a_catalogue_is_parsed_once_per_build(tmp_path, monkeypatch):
    folder = corpus(tmp_path / "corpus", one=REPORT, two=OTHER, three="Третий доклад о судах.\n")
    (folder / "catalog.toml").write_text('[[document]]\nfile = "one.txt"\ndoc_id = "first"\n', encoding="utf-8")
    parsed = []
    real_loads = catalog.tomllib.loads
    monkeypatch.setattr(catalog.tomllib, "loads", lambda text: parsed.append(text) or real_loads(text))
    report = build_index([folder], tmp_path / "index", progress=False, cache_dir=CACHE)
    assert report.documents == 3 and len(parsed) == 1

"""Updating an index when files are added, changed or removed: only those files are read, and search finds
exactly what a full build of the same files finds (real corpus, whoosh, pymorphy3 and encoder)."""

from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from indexer import keyword_index
from indexer.build import build_index
from indexer.generation import published_generation
from indexer.update import _languages
from search.engine import SearchEngine
from tests.conftest import CACHE, CORPUS, PYTHON, ROOT

# Plain words (term matrix), a Kazakh word, a phrase and a prefix (whoosh), an exclusion.
QUERIES = [
    "пытки в местах лишения свободы",
    "азаптау",
    '"Конституционный Суд"',
    "смертн*",
    "омбудсмен -ребенок",
    "Комитет против пыток рекомендует",
]
BILINGUAL = "004_9641ebcea6de96ce.txt"  # the letter and annex in both languages: aligned pairs


def build(corpus: Path, index: Path, force: bool = False):
    return build_index([corpus], index, progress=False, cache_dir=CACHE, force=force)


def results(index: Path) -> dict[str, tuple[int, dict[str, float]]]:
    engine = SearchEngine(index)
    try:
        return {
            q: (found["total"], {r["id"]: round(r["score"], 5) for r in found["results"]})
            for q in QUERIES
            for found in [engine.search(q, k=20)]
        }
    finally:
        engine.close()


def assert_same_search(updated: Path, rebuilt: Path) -> None:
    got, expected = results(updated), results(rebuilt)
    for query in QUERIES:
        (total, scores), (expected_total, expected_scores) = got[query], expected[query]
        assert total == expected_total, query
        # Equal scores may come in another order (rows are numbered differently): compare scores by id.
        assert sorted(scores.values()) == pytest.approx(sorted(expected_scores.values()), abs=1e-4), query
        shared = scores.keys() & expected_scores.keys()
        assert {i: scores[i] for i in shared} == pytest.approx({i: expected_scores[i] for i in shared}, abs=1e-4)


def paragraph_ids(index: Path) -> list[str]:
    return sorted(record.id for record in published_generation(index).read_paragraphs())


def pairs(index: Path) -> set[tuple[str, str]]:
    return {(p["kk_id"], p["ru_id"]) for p in published_generation(index).read_alignment()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def test_removing_and_adding_back_a_file_reads_only_that_file_and_searches_as_a_full_build(
    corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    first = build(corpus, index)
    assert (first.read, first.carried_over) == (5, 0)
    all_pairs = pairs(index)
    assert all_pairs, "the bilingual report has aligned pairs"

    shutil.move(corpus / BILINGUAL, tmp_path / BILINGUAL)
    removed = build(corpus, index)
    assert (removed.read, removed.carried_over, removed.embedded) == (0, 4, 0)
    assert published_generation(index).manifest["updated_from"] == first.generation
    assert pairs(index) == set()
    build(corpus, tmp_path / "without", force=True)
    assert_same_search(index, tmp_path / "without")

    shutil.move(tmp_path / BILINGUAL, corpus / BILINGUAL)
    added = build(corpus, index)
    assert (added.read, added.carried_over) == (1, 4)
    assert added.paragraphs == first.paragraphs
    rebuilt = tmp_path / "rebuilt"
    build(corpus, rebuilt, force=True)
    assert paragraph_ids(index) == paragraph_ids(rebuilt)
    assert published_generation(index).manifest["counts"] == published_generation(rebuilt).manifest["counts"]
    updated_manifest, rebuilt_manifest = published_generation(index).manifest, published_generation(rebuilt).manifest
    for lang, values in rebuilt_manifest["meaning_null"].items():  # each line's language, through the centroids
        assert updated_manifest["meaning_null"][lang] == pytest.approx(values, abs=1e-4), lang
    lines = [
        sorted((i / published_generation(i).name / "paragraphs.jsonl").read_bytes().splitlines())
        for i in (index, rebuilt)
    ]
    assert lines[0] == lines[1]
    assert pairs(index) == all_pairs
    assert_same_search(index, rebuilt)


def test_each_kept_line_gives_its_own_language() -> None:
    lines = [
        {"id": "a:1", "lang": "kk", "text": 'цитата: "lang": "ru" внутри текста'},
        {"id": "a:2", "section": '"lang": "en"', "lang": "ru", "text": "текст"},
        {"id": "a:3", "lang": "other", "text": ""},
        {"id": "a:4", "lang": "kk", "text": "мәтін", "later": {"lang": "en"}},  # the first key is the record's
    ]
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    text += b'{"id":"a:5","lang":"kk","text":"\xd0\xb0"}\n'  # written without spaces: parsed instead
    starts = np.flatnonzero(np.frombuffer(b"\n" + text, dtype=np.uint8) == ord("\n"))
    assert _languages(text, starts) == ["kk", "ru", "other", "kk", "kk"]


def test_a_changed_file_replaces_its_paragraphs(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build(corpus, index)
    report = sorted(corpus.glob("001_*.txt"))[0]
    text = report.read_text(encoding="utf-8")
    report.write_text(text + "\n\nЗаключительный абзац про квазисинхротрон в Караганде.\n", encoding="utf-8")
    changed = build(corpus, index)
    assert (changed.read, changed.carried_over) == (1, 4)
    engine = SearchEngine(index)
    try:
        found = engine.search("квазисинхротрон", k=5)
        assert found["results"][0]["text"].startswith("Заключительный абзац")
        assert engine.suggester.complete("квазисинх")
    finally:
        engine.close()
    report.write_text(text, encoding="utf-8")
    back = build(corpus, index)
    assert back.read == 1
    engine = SearchEngine(index)
    try:
        assert not any("квазисинхротрон" in r["text"] for r in engine.search("квазисинхротрон", k=20)["results"])
        assert not engine.suggester.complete("квазисинх")
    finally:
        engine.close()
    rebuilt = tmp_path / "rebuilt"
    build(corpus, rebuilt, force=True)
    assert_same_search(index, rebuilt)


def test_a_changed_catalogue_reads_its_folder_again(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build(corpus, index)
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build(corpus, index).read == 5


def test_many_updates_merge_whoosh_segments_and_keep_rows_right(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyword_index, "MAX_SEGMENTS", 2)  # merge on the second update already
    index = tmp_path / "index"
    build(corpus, index)
    reports = sorted(corpus.glob("00[0-3]_*.txt"))
    for report in reports[:3]:
        shutil.move(report, tmp_path / report.name)
        build(corpus, index)
        shutil.move(tmp_path / report.name, report)
        build(corpus, index)
    rebuilt = tmp_path / "rebuilt"
    build(corpus, rebuilt, force=True)
    assert paragraph_ids(index) == paragraph_ids(rebuilt)
    assert_same_search(index, rebuilt)


def test_a_folder_named_another_way_is_the_same_files(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    monkeypatch.chdir(tmp_path)
    first = build_index([Path("corpus")], index, progress=False, cache_dir=CACHE)  # as `make run` names it
    assert first.read == 5
    assert all(Path(path).is_absolute() for path in published_generation(index).manifest["sources"])
    (tmp_path / "link").symlink_to(corpus, target_is_directory=True)
    for named in (corpus, Path("corpus/../corpus"), Path("./corpus/"), Path("link")):
        again = build_index([named], index, progress=False, cache_dir=CACHE)
        assert again.up_to_date, named
    (corpus / "new.txt").write_text("Новый доклад о праве на справедливое судебное разбирательство.\n", "utf-8")
    added = build_index([corpus], index, progress=False, cache_dir=CACHE)
    assert (added.read, added.carried_over) == (1, 5)


def test_a_moved_folder_is_carried_over_not_read_again(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = build(corpus, index)
    moved = tmp_path / "archive" / "reports"
    moved.parent.mkdir()
    shutil.move(corpus, moved)
    (moved / sorted(moved.glob("001_*.txt"))[0].name).write_text("Изменённый доклад о квазисинхротроне.\n", "utf-8")
    update = build(moved, index)
    assert (update.read, update.carried_over) == (1, 4)  # the catalogue moved with them: no file is re-read
    manifest = published_generation(index).manifest
    assert all(path.startswith(str(moved)) for path in manifest["sources"])
    assert {d["file"] for d in manifest["documents"]} <= manifest["sources"].keys()
    assert paragraph_ids(index) != [] and update.paragraphs < first.paragraphs
    rebuilt = tmp_path / "rebuilt"
    build(moved, rebuilt, force=True)
    assert paragraph_ids(index) == paragraph_ids(rebuilt)
    assert_same_search(index, rebuilt)
    assert build(moved, index).up_to_date


def test_a_file_moved_under_another_catalogue_is_read_again(tmp_path: Path) -> None:
    first, second = tmp_path / "r2019", tmp_path / "r2020"
    for folder, title in ((first, "Доклад 2019"), (second, "Доклад 2020")):
        folder.mkdir()
        (folder / "catalog.toml").write_text(
            f'[[document]]\nfile = "report.txt"\ndoc_id = "report-{folder.name}"\ntitle = "{title}"\n',
            encoding="utf-8",
        )
        (folder / f"other-{folder.name}.txt").write_text(f"Письмо {folder.name} о работе судов.\n", encoding="utf-8")
    (first / "report.txt").write_text("Доклад о праве на защиту и о работе адвокатов.\n", encoding="utf-8")
    index = tmp_path / "index"
    build_index([first, second], index, progress=False, cache_dir=CACHE)
    shutil.move(first / "report.txt", second / "report.txt")
    moved = build_index([first, second], index, progress=False, cache_dir=CACHE)
    assert (moved.read, moved.carried_over) == (1, 2)  # its id and title are its new folder's catalogue's
    documents = {d["doc_id"]: d["title"] for d in published_generation(index).manifest["documents"]}
    assert documents["report-r2020"] == "Доклад 2020" and "report-r2019" not in documents


def test_force_rebuilds_every_file(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build(corpus, index)
    forced = build(corpus, index, force=True)
    assert (forced.read, forced.carried_over) == (5, 0)
    assert "updated_from" not in published_generation(index).manifest


def test_watch_updates_the_index_when_a_file_is_added(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "first.txt").write_text("Первый доклад о правах человека в Казахстане.\n", encoding="utf-8")
    index = tmp_path / "index"
    command = [PYTHON, "-m", "indexer", str(folder), "--index", str(index), "--cache", str(CACHE), "--quiet"]
    follower = subprocess.Popen(
        [*command, "--watch", "0.2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal: a test run started in the background by a script ignores SIGINT, a child
        # inherits that, and Python then installs no KeyboardInterrupt handler.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read_lines(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=read_lines, args=(follower.stdout,), daemon=True).start()
    try:
        assert "following" in lines.get(timeout=60)
        assert lines.get(timeout=120).startswith("indexed 1 documents, 1 paragraphs")
        (folder / "second.txt").write_text("Второй доклад о пытках.\n", encoding="utf-8")
        assert lines.get(timeout=120).startswith("indexed 2 documents (read 1, kept 1 unchanged)")
    finally:
        follower.send_signal(signal.SIGINT)
        assert follower.wait(timeout=30) == 0
    assert [d["doc_id"] for d in published_generation(index).manifest["documents"]] == ["first", "second"]

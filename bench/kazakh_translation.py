"""``python -m bench.kazakh_translation [QUERIES.jsonl ...]``: how much of a Kazakh query the dictionary translates.

For the Kazakh queries of judged query files (default: ``../shared/eval/dev_xl_queries.jsonl``, the Kazakh twins
of Russian dev queries) it prints the share of content words (function words and numbers aside) that get at
least one Russian lemma, how they got it, the time per word of the analyser and of the translation (caches
cold), and each query's translation.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from indexer.analysis import tokenize
from indexer.kazakh_morphology import kazakh_analyses
from search.kazakh_russian import Translation, is_function_word, russian_candidates, translate_kazakh

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def words_of(query: str) -> list[str]:
    """The query's words as it writes them (``tokenize`` lower-cases): the analyser tells names and
    abbreviations by their case."""
    return [query[token.start : token.end] for token in tokenize(query)]


def kind_of(translation: Translation) -> str | None:
    """How a content word got its Russian lemmas; None for a number."""
    if all(word.isdigit() for word in translation.words):
        return None
    if len(translation.words) > 1:
        return "multiword entry"
    if not translation.candidates:
        return "none"
    return "analyser + dictionary" if kazakh_analyses(translation.words[0]) else "carried over (Latin, loanword)"


def tally(queries: list[str]) -> tuple[Counter[str], Counter[str]]:
    """Content words by how they were translated, and the words that were not."""
    kinds: Counter[str] = Counter()
    untranslated: Counter[str] = Counter()
    for query in queries:
        for translation in translate_kazakh(words_of(query)):
            kind = kind_of(translation)
            if kind is not None:
                kinds[kind] += len(translation.words)
            if kind == "none":
                untranslated[translation.words[0]] += 1
    return kinds, untranslated


def translated_share(queries: list[str]) -> float:
    """The share of the queries' content words that get at least one Russian lemma."""
    kinds, _ = tally(queries)
    return 1 - kinds["none"] / sum(kinds.values())


def kazakh_queries(paths: list[Path]) -> list[tuple[str, str]]:
    """(id, query) of every Kazakh query in the files."""
    queries = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("lang") == "kk":
                queries.append((record["id"], record["query"]))
    return queries


def timings(queries: list[str]) -> tuple[float, float]:
    """µs per distinct word for the analyser, µs per query word for the translation, each with cold caches."""
    for word in ("соттар", "психологтар"):  # loads the analyser, the dictionary and pymorphy3 outside the timings
        russian_candidates(word)
    tokens = [words_of(query) for query in queries]
    kazakh_analyses.cache_clear()
    start = time.perf_counter()
    for query in tokens:
        translate_kazakh(query)
    translation_us = (time.perf_counter() - start) / sum(map(len, tokens)) * 1e6
    words = {word for query in tokens for word in query}
    kazakh_analyses.cache_clear()
    start = time.perf_counter()
    for word in words:
        kazakh_analyses(word)
    return (time.perf_counter() - start) / len(words) * 1e6, translation_us


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*", type=Path, default=[SHARED / "eval" / "dev_xl_queries.jsonl"])
    args = parser.parse_args(argv)
    queries = kazakh_queries(args.queries)
    texts = [query for _, query in queries]
    analyser_us, translation_us = timings(texts)
    kinds, untranslated = tally(texts)
    content = sum(kinds.values())
    words = [word for query in texts for word in words_of(query)]
    print(f"{len(queries)} Kazakh queries, {len(words)} words, {sum(map(is_function_word, words))} function words")
    print(f"content words with a Russian lemma: {content - kinds['none']}/{content} = {translated_share(texts):.1%}")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    print(f"  untranslated: {', '.join(f'{word} ×{n}' if n > 1 else word for word, n in untranslated.most_common())}")
    print(f"µs a word, caches cold: analyser {analyser_us:.0f} (distinct words), translation {translation_us:.0f}")
    for query_id, query in queries:
        print(f"\n{query_id} {query}")
        for translation in translate_kazakh(words_of(query)):
            terms = ", ".join(f"{lemma} {weight:.2f}" for lemma, weight in translation.candidates[:5])
            more = f" (+{len(translation.candidates) - 5})" if len(translation.candidates) > 5 else ""
            print(f"  {' '.join(translation.words)} → {terms or '—'}{more}")


if __name__ == "__main__":
    main()

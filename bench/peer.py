"""The peer stack an engineer would assemble instead: tantivy (Rust, Lucene-class) with its Russian stemmer
for the keyword leg, the same encoder, the same exact vector search and the same score fusion, but none of
kazsearch's own additions (lemmas and Kazakh stems, coverage, language correction, translations, phrases)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence

import tantivy

from indexer.encoders import Encoder
from indexer.ranking import top_rows
from indexer.records import ParagraphRecord
from indexer.vector_index import VectorIndex
from search.engine import WINDOW
from search.fusion import DEFAULT_ALPHA, fuse_scores, normalise_keyword, normalise_semantic


class PeerStack:
    def __init__(self, records: Sequence[ParagraphRecord], vectors: VectorIndex, encoder: Encoder) -> None:
        self.records, self.vectors, self.encoder = records, vectors, encoder
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("row", stored=True, indexed=False, fast=True)
        builder.add_text_field("body", stored=False, tokenizer_name="ru_stem")
        schema = builder.build()
        self._folder = tempfile.TemporaryDirectory(prefix="peer-tantivy-")
        self.index = tantivy.Index(schema, path=self._folder.name)
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("russian"))
            .build()
        )
        self.index.register_tokenizer("ru_stem", analyzer)
        writer = self.index.writer(heap_size=200_000_000, num_threads=2)
        for row, record in enumerate(records):
            writer.add_document(tantivy.Document(row=row, body=record.text))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def keyword(self, query: str, limit: int = WINDOW) -> dict[int, float]:
        parsed, _errors = self.index.parse_query_lenient(query, ["body"])
        hits = self.searcher.search(parsed, limit).hits
        return {self.searcher.doc(address)["row"][0]: score for score, address in hits}

    def search(self, query: str, k: int = 10, mode: str = "hybrid", **_: object) -> dict:
        """Same shape as SearchEngine.search (ids and text only), so the same evaluation scores both."""
        keyword = self.keyword(query) if mode != "semantic" else {}
        if mode == "keyword":
            rows = sorted(keyword, key=lambda r: (-keyword[r], r))
        else:
            scores = self.vectors.similarities(self.encoder.encode_queries([query])[0])
            top = top_rows(scores, WINDOW)
            semantic = {r: float(scores[r]) for r in [*top, *keyword]}
            floor = float(scores[top[-1]])
            alpha = 1.0 if mode == "semantic" else DEFAULT_ALPHA
            fused = fuse_scores(normalise_keyword(keyword, {}), normalise_semantic(semantic, floor), alpha)
            rows = [f.row for f in fused]
        return {"results": [{"id": self.records[r].id, "text": self.records[r].text} for r in rows[:k]]}

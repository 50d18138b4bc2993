"""How close the index comes, by meaning, to questions it cannot answer: the null distribution that the
search side's meaning threshold is read from (``search/evidence.py``).

An encoder scores any query against any paragraph, and the best paragraph of an off-topic question (a borscht
recipe, a train timetable) is still "similar": 0.80–0.85 for Russian against the corpus, far from 0. What
counts as close therefore depends on the encoder, the language and the paragraphs, and is measured on each
generation: each off-topic question below is searched as a query would be (its language's correction
included, and scored as ``VectorIndex.similarities`` scores a query: int8 estimates, the best rows rescored
exactly) and its best paragraph's similarity is kept. Those values are stored in the manifest
(``meaning_null``), per query language; the questions' vectors in ``null_queries.npy``, so that an update
measures again without embedding them again.

The questions are everyday topics written for this purpose, in Russian and Kazakh; none comes from an
evaluation set. Queries in other languages are compared with the Russian distribution.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.encoders import Encoder
from indexer.vector_index import VectorIndex, corrected_query

NULL_QUERIES = "null_queries.npy"
OFF_TOPIC_QUERIES: dict[str, tuple[str, ...]] = {
    "ru": (
        "лучший рецепт борща со свёклой",
        "как выбрать зимние шины для внедорожника",
        "расписание электричек до Алматы",
        "прогноз погоды на выходные в Астане",
        "как настроить роутер wi-fi дома",
        "правила игры в шахматы для начинающих",
        "сколько калорий в банане",
        "как вырастить помидоры на балконе",
        "история Древнего Рима кратко",
        "лучшие смартфоны до ста тысяч тенге",
        "как научиться плавать взрослому",
        "упражнения для укрепления спины",
        "как испечь хлеб в духовке",
        "где купить билеты на футбольный матч",
        "как ухаживать за кошкой",
        "что посмотреть в кино на выходных",
        "как сменить масло в двигателе",
        "рецепт бешбармака из конины",
        "как установить линукс на ноутбук",
        "какие витамины пить зимой",
        "результаты чемпионата мира по хоккею",
        "как связать шарф спицами",
        "почему небо голубое",
        "как работает двигатель внутреннего сгорания",
        "стоимость ремонта квартиры под ключ",
        "как выучить английский язык быстро",
        "лучшие пляжи Турции для отдыха с детьми",
        "как приготовить кофе в турке",
        "сколько стоит аренда машины в Алматы",
        "как избавиться от тараканов",
        "фотосинтез у растений объяснение",
        "как начать бегать по утрам",
        "программирование на Python для начинающих",
        "какой ноутбук выбрать для игр",
        "как сделать ремонт в ванной своими руками",
        "биография Моцарта",
        "сорта яблок для средней полосы",
        "как заварить зелёный чай",
        "курс доллара к тенге завтра",
        "как очистить компьютер от вирусов",
        "рецепт баурсаков на кефире",
        "как подготовиться к марафону",
        "устройство солнечной системы",
        "как выбрать подарок на день рождения",
        "где отдохнуть летом на Иссык-Куле",
        "как лечить простуду народными средствами",
        "лучшие книги фантастики всех времён",
        "как собрать кубик Рубика",
        "как ухаживать за орхидеей",
        "тренировки для набора мышечной массы",
    ),
    "kk": (
        "қымызды қалай дайындайды",
        "ертең Астанада ауа райы қандай болады",
        "футбол бойынша әлем чемпионатының нәтижелері",
        "бауырсақ пісірудің рецепті",
        "ағылшын тілін қалай тез үйренуге болады",
        "ноутбукті қалай таңдау керек",
        "мысыққа қалай күтім жасау керек",
        "шахмат ойынының ережелері",
        "қызанақты балконда қалай өсіруге болады",
        "Алматыға пойыз кестесі",
        "теңізде демалуға жақсы орындар",
        "көлікке қысқы дөңгелек таңдау",
        "бешбармақты қалай пісіру керек",
        "компьютерді вирустан тазалау",
        "таңертең жүгіруді қалай бастау керек",
        "күн жүйесінің құрылысы",
        "кофені қалай дайындау керек",
        "туған күнге сыйлық таңдау",
        "жасыл шайды қалай демдеу керек",
        "Моцарттың өмірбаяны",
        "қысқы демалысқа тау шаңғысы",
        "үйде нан пісіру",
        "Python тілінде бағдарламалау негіздері",
        "алма сорттары",
        "марафонға дайындалу жоспары",
        "суретке түсіру өнері",
        "бала тәрбиесі туралы кеңестер",
        "ойын приставкасын таңдау",
        "қонақ үй брондау",
        "гүлдерді күтіп-баптау",
    ),
}


def embed_null_queries(encoder: Encoder) -> np.ndarray:
    """The off-topic questions' query vectors, Russian then Kazakh, in the order of ``OFF_TOPIC_QUERIES``."""
    return encoder.encode_queries([query for queries in OFF_TOPIC_QUERIES.values() for query in queries])


def save_null_queries(generation: Path, vectors: np.ndarray) -> None:
    np.save(Path(generation) / NULL_QUERIES, np.ascontiguousarray(vectors, dtype=np.float32))


def load_null_queries(generation: Path) -> np.ndarray:
    return np.load(Path(generation) / NULL_QUERIES)


def meaning_null(
    null_vectors: np.ndarray, vectors: VectorIndex, centroids: dict[str, np.ndarray]
) -> dict[str, list[float]]:
    """For each query language, the best similarity each off-topic question finds among the paragraph
    ``vectors``, ascending; a question in a minority language is corrected by its ``centroids`` entry, as a
    query is (``minority_centroids``)."""
    found: dict[str, list[float]] = {}
    start = 0
    for lang, queries in OFF_TOPIC_QUERIES.items():
        corrected = [corrected_query(q, lang, centroids) for q in null_vectors[start : start + len(queries)]]
        start += len(queries)
        found[lang] = sorted(round(value, 4) for value in vectors.best_similarities(np.array(corrected)))
    return found

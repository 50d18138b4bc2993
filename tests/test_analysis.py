from indexer.analysis import is_stopword, normalise, russian_lemmas, tokenize
from indexer.kazakh_stemmer import kazakh_stem
from indexer.language import detect_language


def test_normalise_folds_case_yo_soft_hyphens_and_latin_lookalikes():
    assert normalise("Осуждённых") == "осужденных"
    assert normalise("пре\u00adступление") == "преступление"
    # Tatoeba's Kazakh lines type the letter і as Latin i; a Latin word stays Latin.
    assert normalise("қадiр-қасиетiне") == "қадір-қасиетіне"
    assert normalise("COVID") == "covid"


def test_tokens_split_glued_footnote_numbers_and_keep_offsets():
    text = "предусмотренные статьей 131 УПК69 и COVID-1975"
    tokens = list(tokenize(text))
    assert [t.text for t in tokens] == ["предусмотренные", "статьей", "131", "упк", "69", "и", "covid", "1975"]
    assert all(text[t.start : t.end].lower() == t.text for t in tokens)


def test_russian_lemmas_keep_every_normal_form():
    assert {"найти", "наслать"} <= set(russian_lemmas("нашли"))
    assert russian_lemmas("осужденных")[0] == "осудить"
    assert russian_lemmas("казни")[0] == "казнь"
    assert "ё" not in "".join(russian_lemmas("осуждённый"))


def test_function_words_are_stopwords_content_words_are_not():
    assert is_stopword("в") and is_stopword("и") and is_stopword("және")
    assert not is_stopword("казни") and not is_stopword("сот")


def test_kazakh_inflections_meet_at_one_stem():
    assert kazakh_stem("сотталғандарға") == kazakh_stem("сотталғандардың") == kazakh_stem("сотталған") == "сотталған"
    assert kazakh_stem("бағдарламаларға") == "бағдарлама"
    assert kazakh_stem("мекемелерінде") == "мекеме"
    assert kazakh_stem("психологтарды") == "психолог"
    assert kazakh_stem("адамдармен") == "адам"


def test_kazakh_stemmer_leaves_roots_that_only_end_like_suffixes():
    assert kazakh_stem("сот") == "сот"
    assert kazakh_stem("жаза") == "жаза"
    assert kazakh_stem("қаңтар") == "қаңтар"  # -тар is a plural only after a voiceless sound
    assert kazakh_stem("қаржы") == "қаржы"


def test_language_of_paragraphs_and_queries():
    assert detect_language("Сот жүктеген міндеттерді сақтағысы келмейтін сотталғандарға қатысты") == "kk"
    assert detect_language("В отношении осуждённых не желающих соблюдать обязанности") == "ru"
    assert detect_language("Transient ischemic attack and stroke in adults") == "en"
    assert detect_language("2021") == "other"

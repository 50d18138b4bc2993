"""The interface's three languages: Russian, Kazakh and English.

The language comes from ``?ui=`` (remembered in a cookie), else the cookie, else the browser's
Accept-Language, else Russian. Templates call ``t("key")``.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask.wrappers import Response

from search.notes import Note

LANGUAGES = ("ru", "kk", "en")
DEFAULT = "ru"
COOKIE = "ui"

STRINGS: dict[str, dict[str, str]] = {
    "title": {
        "ru": "kazsearch — поиск по докладам",
        "kk": "kazsearch — баяндамалар бойынша іздеу",
        "en": "kazsearch — search the reports",
    },
    "tagline": {
        "ru": "Поиск абзацев в докладах о Казахстане на русском и казахском",
        "kk": "Қазақстан туралы баяндамалардан орыс және қазақ тілдерінде абзац іздеу",
        "en": "Paragraph search over reports on Kazakhstan, in Russian and Kazakh",
    },
    "search": {"ru": "Найти", "kk": "Іздеу", "en": "Search"},
    "placeholder": {
        "ru": 'Слова, вопрос или "точная фраза"',
        "kk": 'Сөздер, сұрақ немесе "нақты тіркес"',
        "en": 'Words, a question or a "quoted phrase"',
    },
    "mode": {"ru": "Режим", "kk": "Режим", "en": "Mode"},
    "mode_hybrid": {"ru": "смешанный", "kk": "аралас", "en": "hybrid"},
    "mode_keyword": {"ru": "по словам", "kk": "сөздер бойынша", "en": "keywords"},
    "mode_semantic": {"ru": "по смыслу", "kk": "мағынасы бойынша", "en": "meaning"},
    "weight": {"ru": "Слова ↔ смысл", "kk": "Сөздер ↔ мағына", "en": "Words ↔ meaning"},
    "any_lang": {"ru": "все языки", "kk": "барлық тілдер", "en": "all languages"},
    "any_doc": {"ru": "все доклады", "kk": "барлық баяндамалар", "en": "all reports"},
    "lang_ru": {"ru": "русский", "kk": "орысша", "en": "Russian"},
    "lang_kk": {"ru": "казахский", "kk": "қазақша", "en": "Kazakh"},
    "lang_en": {"ru": "английский", "kk": "ағылшынша", "en": "English"},
    "lang_other": {"ru": "другой", "kk": "басқа", "en": "other"},
    "results": {
        "ru": "Результаты {first}–{last} из {total}",
        "kk": "{total} нәтиженің {first}–{last}",
        "en": "Results {first}–{last} of {total}",
    },
    "no_results": {
        "ru": "Ничто в докладах не отвечает на этот запрос.",
        "kk": "Баяндамаларда бұл сұраққа сәйкес ештеңе жоқ.",
        "en": "Nothing in the reports matches this query.",
    },
    "unknown_words": {
        "ru": "Этих слов нет ни в одном докладе: {words}.",
        "kk": "Бұл сөздер ешбір баяндамада жоқ: {words}.",
        "en": "No report contains these words: {words}.",
    },
    "did_you_mean": {"ru": "Может быть, вы имели в виду", "kk": "Мүмкін, сіз мынаны іздедіңіз", "en": "Did you mean"},
    "try": {"ru": "Что попробовать", "kk": "Не істеп көруге болады", "en": "What to try"},
    "try_fewer_words": {
        "ru": "меньше слов или другие слова: каждое слово должно встретиться в докладе или быть близким по смыслу;",
        "kk": "азырақ не басқа сөздер: әр сөз баяндамада кездесуі не мағынасы жақын болуы керек;",
        "en": "fewer or other words: each word must occur in a report or be close in meaning;",
    },
    "try_other_language": {
        "ru": "спросить на другом языке: многие ответы есть только на русском, часть только на казахском.",
        "kk": "басқа тілде сұрау: көп жауап тек орыс тілінде, кейбірі тек қазақ тілінде бар.",
        "en": "the other language: many answers exist only in Russian, some only in Kazakh.",
    },
    "closest": {
        "ru": "Ближайшие абзацы (без точной фразы)",
        "kk": "Ең жақын абзацтар (дәл тіркессіз)",
        "en": "Closest paragraphs (without the exact phrase)",
    },
    "also_searched_ru": {
        "ru": "Также искали по-русски",
        "kk": "Орыс тілінде де ізделді",
        "en": "Also searched in Russian",
    },
    "also_searched_kk": {
        "ru": "Также искали по-казахски",
        "kk": "Қазақ тілінде де ізделді",
        "en": "Also searched in Kazakh",
    },
    "drop_term": {"ru": "искать без «{term}»", "kk": "«{term}» сөзінсіз іздеу", "en": "search without “{term}”"},
    "evidence_words": {"ru": "совпадают слова", "kk": "сөздер сәйкес", "en": "words match"},
    "evidence_meaning": {"ru": "близко по смыслу", "kk": "мағынасы жақын", "en": "close in meaning"},
    "evidence_both": {
        "ru": "слова и смысл",
        "kk": "сөздер мен мағына",
        "en": "words and meaning",
    },
    "confidence": {
        "ru": "вероятность ответа {percent}%",
        "kk": "жауап болу ықтималдығы {percent}%",
        "en": "{percent}% likely an answer",
    },
    "previous": {"ru": "← Назад", "kk": "← Артқа", "en": "← Previous"},
    "next": {"ru": "Дальше →", "kk": "Әрі қарай →", "en": "Next →"},
    "copy": {"ru": "Копировать ссылку", "kk": "Сілтемені көшіру", "en": "Copy citation"},
    "copied": {"ru": "Скопировано", "kk": "Көшірілді", "en": "Copied"},
    "translation": {"ru": "Перевод", "kk": "Аударма", "en": "Translation"},
    "open": {"ru": "В документе", "kk": "Құжатта", "en": "In the document"},
    "similar": {"ru": "Похожие абзацы", "kk": "Ұқсас абзацтар", "en": "Similar paragraphs"},
    "compare": {
        "ru": "Сравнить казахский и русский",
        "kk": "Қазақша мен орысшаны салыстыру",
        "en": "Compare Kazakh and Russian",
    },
    "unaligned": {"ru": "нет пары", "kk": "жұбы жоқ", "en": "no counterpart"},
    "documents": {"ru": "Доклады", "kk": "Баяндамалар", "en": "Reports"},
    "paragraphs": {"ru": "абзацев", "kk": "абзац", "en": "paragraphs"},
    "before": {"ru": "Предыдущий абзац", "kk": "Алдыңғы абзац", "en": "Previous paragraph"},
    "after": {"ru": "Следующий абзац", "kk": "Келесі абзац", "en": "Next paragraph"},
    "not_found": {"ru": "Не найдено", "kk": "Табылмады", "en": "Not found"},
    "bad_request": {"ru": "Неверный запрос", "kk": "Қате сұрау", "en": "Bad request"},
    "unavailable": {
        "ru": "Индекс сейчас недоступен",
        "kk": "Индекс қазір қолжетімсіз",
        "en": "The index is unavailable",
    },
    "server_error": {"ru": "Внутренняя ошибка", "kk": "Ішкі қате", "en": "Internal error"},
    "notes": {"ru": "Как выполнен запрос", "kk": "Сұрау қалай орындалды", "en": "How the query was searched"},
    "partial": {
        "ru": "Поиск по словам не уложился во время: показано найденное к этому моменту.",
        "kk": "Сөздер бойынша іздеу уақытқа сыймады: осы сәтке дейін табылғаны көрсетілген.",
        "en": "The word search ran out of time: these are the results found by then.",
    },
    # Notes on how a query was searched (search/notes.py); English is the note's own text.
    "note_query_cut": {
        "ru": "запрос обрезан до первых {chars} символов",
        "kk": "сұрау алғашқы {chars} таңбаға дейін қысқартылды",
    },
    "note_prefix_short": {
        "ru": "{patterns}: для поиска по началу слова нужно не меньше {letters} букв; искали как слово",
        "kk": "{patterns}: сөздің басы бойынша іздеу үшін кемінде {letters} әріп керек; сөз ретінде ізделді",
    },
    "note_expansion_capped": {
        "ru": "под {pattern} подходит слов: {matched}; искали {searched} самых частых",
        "kk": "{pattern} үлгісіне {matched} сөз сәйкес келді; ең жиі {searched} сөз ізделді",
    },
    "note_words_cut": {
        "ru": "в запросе слов: {words}; искали первые {searched}",
        "kk": "сұрауда {words} сөз бар; алғашқы {searched} сөз ізделді",
    },
    "note_fuzzy_many": {
        "ru": "{patterns}: нечётко ищется не больше {fuzzy} слов; эти искали как обычные слова",
        "kk": "{patterns}: анық емес іздеу {fuzzy} сөзден аспайды; бұлар қарапайым сөз ретінде ізделді",
    },
    "note_meaning_cut": {
        "ru": "поиск по смыслу учёл первые {chars} символов запроса",
        "kk": "мағынасы бойынша іздеу сұраудың алғашқы {chars} таңбасын ескерді",
    },
    "note_phrase_absent": {
        "ru": "Ни один абзац не содержит {phrases} дословно: найдены абзацы с этими словами.",
        "kk": "Ешбір абзацта {phrases} сөзбе-сөз жоқ: осы сөздері бар абзацтар табылды.",
        "en": "No paragraph holds {phrases} word for word: these paragraphs hold its words.",
    },
    "note_keyword_time": {
        "ru": "поиск по словам не уложился в {ms} мс: показано найденное к этому моменту",
        "kk": "сөздер бойынша іздеу {ms} мс ішінде аяқталмады: осы сәтке дейін табылғаны көрсетілген",
    },
    # Users' own documents (web/uploads.py)
    "upload_title": {"ru": "Свои документы", "kk": "Өз құжаттарыңыз", "en": "Your documents"},
    "upload_intro": {
        "ru": "PDF, DOCX, ODT, HTML или текст, до {mb:g} МБ. Документ индексируется в фоне; "
        "за ходом работы можно следить на странице задания.",
        "kk": "PDF, DOCX, ODT, HTML немесе мәтін, {mb:g} МБ-қа дейін. Құжат фондық режимде индекстеледі; "
        "жұмыстың барысы тапсырма бетінде көрінеді.",
        "en": "PDF, DOCX, ODT, HTML or plain text, up to {mb:g} MB. The document is indexed in the background; "
        "its job page shows how far it has got.",
    },
    "upload_disabled": {
        "ru": "Загрузка документов на этом сервере выключена: её включает переменная окружения KAZSEARCH_UPLOAD_TOKEN.",
        "kk": "Бұл серверде құжат жүктеу өшірулі: оны KAZSEARCH_UPLOAD_TOKEN орта айнымалысы қосады.",
        "en": "Uploads are disabled on this server: the environment variable KAZSEARCH_UPLOAD_TOKEN enables them.",
    },
    "upload_file": {"ru": "Файл", "kk": "Файл", "en": "File"},
    "upload_token": {"ru": "Ключ загрузки", "kk": "Жүктеу кілті", "en": "Upload token"},
    "upload_submit": {"ru": "Загрузить", "kk": "Жүктеу", "en": "Upload"},
    "uploaded_documents": {"ru": "Загруженные документы", "kk": "Жүктелген құжаттар", "en": "Uploaded documents"},
    "no_uploads": {
        "ru": "Загруженных документов пока нет.",
        "kk": "Әзірге жүктелген құжат жоқ.",
        "en": "No documents uploaded yet.",
    },
    "delete": {"ru": "Удалить", "kk": "Жою", "en": "Delete"},
    "jobs_under_way": {"ru": "Выполняются", "kk": "Орындалуда", "en": "Under way"},
    "job_add": {"ru": "Добавление документа", "kk": "Құжатты қосу", "en": "Adding a document"},
    "job_delete": {"ru": "Удаление документа", "kk": "Құжатты жою", "en": "Deleting a document"},
    "job_queued": {"ru": "в очереди", "kk": "кезекте", "en": "queued"},
    "job_running": {"ru": "выполняется", "kk": "орындалуда", "en": "running"},
    "job_done": {"ru": "готово", "kk": "дайын", "en": "done"},
    "job_failed": {"ru": "не выполнено", "kk": "орындалмады", "en": "failed"},
    "jobs_ahead": {"ru": "заданий впереди: {ahead}", "kk": "алда {ahead} тапсырма бар", "en": "{ahead} jobs ahead"},
    "job_refreshes": {
        "ru": "Страница обновляется сама.",
        "kk": "Бет өздігінен жаңарады.",
        "en": "This page refreshes itself.",
    },
    "job_indexed": {
        "ru": "Проиндексировано абзацев: {paragraphs}; поиск найдёт их через несколько секунд.",
        "kk": "{paragraphs} абзац индекстелді; іздеу оларды бірнеше секундтан кейін табады.",
        "en": "{paragraphs} paragraphs indexed; search finds them within a few seconds.",
    },
    "job_deleted": {
        "ru": "Документ убран из корпуса; через несколько секунд поиск перестанет его находить.",
        "kk": "Құжат корпустан алынды; бірнеше секундтан кейін іздеу оны таппайды.",
        "en": "The document is out of the corpus; within a few seconds search no longer finds it.",
    },
    "keyword_leg": {"ru": "слова", "kk": "сөздер", "en": "words"},
    "semantic_leg": {"ru": "смысл", "kk": "мағына", "en": "meaning"},
}


def pick_language() -> str:
    wanted = request.args.get("ui") or request.cookies.get(COOKIE)
    if wanted in LANGUAGES:
        return wanted
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def ui_language() -> str:
    """The current request's interface language: ``ru``, ``kk`` or ``en``."""
    return g.get("ui", DEFAULT)


def translate(key: str, **values: object) -> str:
    text = STRINGS[key].get(ui_language(), STRINGS[key][DEFAULT])
    return text.format(**values) if values else text


def translate_note(note: Note) -> str:
    """A search note (``search/notes.py``) in the interface's language; English is its own text."""
    text = STRINGS.get(f"note_{note.key}", {}).get(g.get("ui", DEFAULT))
    return text.format(**note.values) if text else str(note)


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        g.ui = pick_language()

    @app.after_request
    def remember_language(response: Response) -> Response:
        if request.args.get("ui") in LANGUAGES:
            response.set_cookie(COOKIE, request.args["ui"], max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def strings() -> dict:
        return {"t": translate, "t_note": translate_note, "ui": g.get("ui", DEFAULT), "ui_languages": LANGUAGES}

"""A visitor's question becomes retrieval parameters: meaningful words, prefixes, rarity."""

from __future__ import annotations

from app.chat.question import as_pattern, keywords, retrieval_params
from app.content import Dataset, FieldIndex


def test_keywords_drop_filler_words_and_repeats() -> None:
    assert keywords("How do I read a file line by line?") == ["read", "file", "line"]
    assert keywords("What's the class's __init__ for?") == ["class", "__init__"]
    assert keywords("how do I") == []


def test_contractions_and_single_letters_are_not_keywords() -> None:
    # A contraction left whole is a rare "word" and would outweigh the ones that matter.
    assert keywords("Why can't I put objects in a set? I'm stuck, it doesn't work") == [
        "put",
        "objects",
        "set",
        "stuck",
        "work",
    ]
    assert keywords("My Vector supports v + 1 but 1 + v fails; it\u2019s the user\u2019s") == [
        "vector",
        "supports",
        "fails",
        "user",
    ]


def test_plain_words_widen_to_their_stem_identifiers_stay_exact() -> None:
    assert as_pattern("reading") == "read*"
    assert as_pattern("handle") == "handl*"
    assert as_pattern("files") == "file*"
    assert as_pattern("classes") == "class*"
    assert as_pattern("class") == "class*"
    assert as_pattern("str.split") == "str.split"
    assert as_pattern("__init__") == "__init__"
    assert as_pattern("os") == "os"


def test_rare_words_count_more_and_make_the_focus() -> None:
    docs = [{"text": "file file"} for _ in range(99)] + [{"text": "pickle file"}]
    dataset = Dataset(docs, FieldIndex.build(docs, ["text"]))
    params = retrieval_params("pickle a file", dataset, 3)
    assert params["limit"] == 3
    terms = params["terms"].split()
    assert terms.count("pickl*") > terms.count("file*") >= 1
    assert params["focus"] == "pickl*"


def test_a_question_without_meaningful_words_matches_nothing() -> None:
    dataset = Dataset([], FieldIndex.build([], ["text"]))
    assert retrieval_params("how do I?", dataset, 4) == {
        "question": "",
        "terms": "",
        "focus": "",
        "limit": 4,
    }

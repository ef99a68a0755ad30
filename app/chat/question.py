"""A visitor's question turned into the parameters of the retrieval query.

`match` counts every pattern word, so filler words ("how", "do", "I") would rank any passage
that uses them. We keep the words that carry meaning, widen most of them to prefixes
("reading" -> "read*": GROQ wildcards, so "reads", "readline" and "readlines" count too), and
hand the rarer half separately as `$focus`, because a word that few passages use says more
about what the visitor wants than a word most passages use.
"""

from __future__ import annotations

import math
from typing import Any

from app.content import Dataset
from app.groq.matching import segment

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our out over own same
    she should so some such than that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours want need get make use using used way ways something thing things
    tell know like please python example examples run write small look keep later several
    difference between whether also able thing instead""".split()
)
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ly")
_ES_AFTER = ("s", "x", "z", "ch", "sh")  # "classes", "boxes", "matches": not "files"
_MIN_STEM = 3


def keywords(question: str) -> list[str]:
    """The question's meaningful words, lower-cased, in order, once each."""
    seen: dict[str, None] = {}
    for word in segment(question.lower().replace("\u2019", "'")):
        word = _without_contraction(word.strip(".:'"))
        if len(word) > 1 and word not in STOPWORDS and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


# "can't" and "won't" lose more than "n't"; every other contraction is its word + a suffix.
_NEGATIONS = {"can't": "can", "won't": "will", "shan't": "shall"}


def _without_contraction(word: str) -> str:
    """The word a contraction contracts ("doesn't" -> "does", "I'm" -> "i"): left as written,
    "can't" would be a rare word and outweigh the words that say what the visitor wants."""
    if word in _NEGATIONS:
        return _NEGATIONS[word]
    if word.endswith("n't"):
        return word[:-3]
    head, apostrophe, tail = word.rpartition("'")
    if apostrophe and tail in ("s", "m", "re", "ve", "ll", "d"):
        return head
    return word


def as_pattern(word: str) -> str:
    """A word as a match pattern: plain words become their stem plus `*`; identifiers
    (`str.split`, `__init__`) and short words stay exact."""
    if len(word) < 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)] + "*"
    if word.endswith("es") and word[:-2].endswith(_ES_AFTER):
        return word[:-2] + "*"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1] + "*"
    if word.endswith("e") and len(word) > _MIN_STEM + 1:
        word = word[:-1]  # "handle" -> "handl*" finds "handling" and "handler" too
    return word + "*"


def retrieval_params(question: str, dataset: Dataset, limit: int) -> dict[str, Any]:
    """`$question` (as asked, for text::semanticSimilarity), `$terms`, `$focus` and `$limit`.

    `match` inside `score()` adds one share per pattern word, so a word written twice counts
    twice: each word is repeated by how rare it is (an inverse document frequency, 1 to 4
    times). A word nearly every passage uses adds little; one few passages use decides."""
    words = keywords(question)
    if not words:  # nothing to rank by, in words or in meaning ("how do I?")
        return {"question": "", "terms": "", "focus": "", "limit": limit}
    weights = {w: _weight(w, dataset) for w in words}
    ranked = sorted(words, key=lambda w: -weights[w])
    focus = set(ranked[: (len(ranked) + 1) // 2])
    return {
        "question": question,
        "terms": " ".join(" ".join([as_pattern(w)] * weights[w]) for w in words),
        "focus": " ".join(as_pattern(w) for w in words if w in focus),
        "limit": limit,
    }


def _weight(word: str, dataset: Dataset) -> int:
    index = dataset.fields
    if index is None or "text" not in index.fields or not len(dataset):
        return 1
    share = max(index.document_frequency("text", word), 1) / len(dataset)
    return max(1, min(4, round(math.log10(1 / share))))

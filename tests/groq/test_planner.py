"""The planner: same results as a full scan, with far less work."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content import Dataset
from app.groq import GroqLimitError, Limits, evaluate


def make_docs(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    docs: list[dict] = []
    for i in range(n):
        kind = rng.choice(["post", "author", "category"])
        doc: dict = {"_id": f"{kind}-{i}", "_type": kind, "n": rng.randint(0, 20)}
        if kind == "post":
            doc["title"] = rng.choice(
                ["Hello world", "Fish and chips", "GROQ rocks", "hello again"]
            )
            doc["author"] = {"_ref": f"author-{rng.randrange(n)}"}
            if rng.random() < 0.3:
                doc["rank"] = rng.choice([1, 2.5, "x", None, True])
        docs.append(doc)
    docs.append(dict(docs[0]))  # a repeated _id, as exports sometimes contain
    return docs


DOCS = make_docs(300)
INDEXED = Dataset(DOCS)

QUERIES = [
    '*[_type == "post"]._id',
    '*[_type == "post" && n > 10]{_id, n}',
    '*["post" == _type && defined(rank)]._id',
    '*[_type in ["author", "category"] && n < 3]._id',
    '*[_id == "post-0"]',
    '*[_id in ["author-5", "post-0", "nope", "category-9"]]._id',
    "*[_id == $id]._id",
    '*[references("author-3")]._id',
    '*[_type == "post" && references($ids)]._id',
    '*[title match "hello"]._id',
    '*[title match ["fish", "chips"]]._id',
    '*[title match "hel*"]._id',
    'count(*[_type == "post"])',
    "count(*)",
    '*[_type == "post"] | order(n desc)[0...5]._id',
    '*[_type == "post"] | order(n)[3]._id',
    '*[_type == "post"] | order(rank, _id)[0..4]._id',
    "* | order(n desc, _id asc)[0...7]._id",
    '*[_type == "post"] | order(n)[-3..-1]._id',
    '*[_type == "post"]{_id, "who": author->_id}[0...10]',
    '*[_type == "author"]{_id, "posts": count(*[_type == "post" && author._ref == ^._id])}',
    '*[_type == "author"][0...5]{_id, "p": *[author._ref == ^._id && n > 10]._id}',
    '*[_id in path("post-1*")]._id',
    '*[_type in ["post", 5] && n == 3]._id',
    '*[_type == "post" && n in 1..3]._id',
    "*[_id == 5]",
    '*[_type == "post" && (_id in ["post-1", "post-2"])]._id',
    '*[_type == "post" && references(["author-1", 3])]._id',
]


@pytest.mark.parametrize("query", QUERIES)
def test_planner_matches_full_scan(query: str) -> None:
    params = {"id": "post-3", "ids": ["author-1", "author-2"]}
    expected = evaluate(query, DOCS, params=params, planner=False)
    assert evaluate(query, INDEXED, params=params) == expected
    assert evaluate(query, INDEXED, params=params, planner=False) == expected


@pytest.mark.parametrize(
    "query",
    [
        '*[_id == "post-42"]._id',
        '*[_type == "category"][0]._id',
        'count(*[_type == "post"])',
        '*[_type == "post"] | order(n desc)[0...3]._id',
        '*[references("author-3")]._id',
    ],
)
def test_indexed_queries_do_not_scan(query: str) -> None:
    """With a budget far below the dataset size, only index-answered queries can finish."""
    docs = make_docs(20_000, seed=3)
    small = Limits(max_steps=5_000)
    assert evaluate(query, Dataset(docs), limits=small) == evaluate(query, docs)
    with pytest.raises(GroqLimitError):
        evaluate(query, docs, limits=small, planner=False)


def test_dereference_uses_the_id_index() -> None:
    docs = make_docs(20_000, seed=5)
    query = '*[_id == "post-0"]{"a": author->_id}'
    expected = evaluate(query, docs)
    assert evaluate(query, Dataset(docs), limits=Limits(max_steps=100)) == expected


ATOMS = st.sampled_from(
    [
        '_type == "post"',
        '_type == "author"',
        "n > 5",
        "n <= 3",
        "defined(rank)",
        '_id == "post-3"',
        '_id in ["author-1", "post-4", "category-2"]',
        'title match "hello"',
        'references("author-7")',
        "rank == 2.5",
        "!(n == 2)",
    ]
)
FILTERS = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"({p[0]} && {p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]} || {p[1]})"),
    ),
    max_leaves=4,
)
SHAPES = st.sampled_from(
    [
        "*[{f}]._id",
        "count(*[{f}])",
        "*[{f}] | order(n desc, _id)[0...4]._id",
        "*[{f}] | order(n)[1]._id",
        '*[{f}]{{_id, "a": author->_type}}',
        '*[_type == "author" && {f}][0...3]{{_id, "p": *[author._ref == ^._id && {f}]._id}}',
        '*[{f}][0...2]{{_id, "r": *[references(^._id)]._id}}',
    ]
)


@settings(max_examples=150, deadline=None)
@given(shape=SHAPES, filter_=FILTERS)
def test_planner_is_invisible_on_generated_queries(shape: str, filter_: str) -> None:
    query = shape.format(f=filter_)
    assert evaluate(query, INDEXED) == evaluate(query, DOCS, planner=False), query

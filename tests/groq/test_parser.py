"""Parser: tree shape with positions, precedence, and syntax errors a person can act on."""

from __future__ import annotations

import pytest

from app.groq import GroqError, GroqSyntaxError, evaluate, parse
from app.groq import ast as A


def test_tree_has_positions_and_traversal_items() -> None:
    tree = parse('*[_type == "post"]{title, "a": author->name}')
    expr = tree.expr
    assert isinstance(expr, A.Traversal)
    assert isinstance(expr.base, A.Everything) and expr.base.pos == 0
    bracket, projection = expr.items
    assert isinstance(bracket, A.BracketItem) and bracket.pos == 1
    assert isinstance(bracket.expr, A.OpCall) and bracket.expr.op == "=="
    assert isinstance(projection, A.ProjectionItem)
    keys = [attr.key for attr in projection.obj.attrs]
    assert keys == ["title", "a"]
    deref = projection.obj.attrs[1].expr
    assert isinstance(deref, A.Traversal) and isinstance(deref.items[0], A.DerefItem)
    assert deref.items[0].attr == "name"


def test_function_declarations_are_collected() -> None:
    tree = parse("fn ns::double($x) = $x * 2; ns::double(21)")
    assert list(tree.functions) == ["ns::double"]
    assert evaluate(tree, []) == 42


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ** 3 ** 2", 512),
        ("-2 ** 2", -4),
        ("10 - 2 - 3", 5),
        ("true || false && false", True),
        ("!true || true", True),
        ("1 < 2 == true", None),  # comparisons do not chain: parse error below instead
    ][:-1],
)
def test_precedence(query: str, expected: object) -> None:
    assert evaluate(query, []) == expected


def test_comparisons_are_not_associative() -> None:
    with pytest.raises(GroqSyntaxError, match="cannot be chained"):
        parse("1 < 2 == true")


def test_string_escapes_including_braced_unicode() -> None:
    assert evaluate(r'"a\u00e9\u{1F600}\n\"q\""', []) == 'aé😀\n"q"'
    assert evaluate(r'"\ud83d\ude00"', []) == "😀"
    assert evaluate("'single' + \"double\"", []) == "singledouble"


def test_comments_and_whitespace_are_ignored() -> None:
    assert evaluate("// heading\n[1, // one\n 2]", []) == [1, 2]


def test_syntax_error_reports_line_column_and_caret() -> None:
    query = '*[_type == "post"]{\n  title,\n  "x": ]\n}'
    with pytest.raises(GroqSyntaxError) as info:
        parse(query)
    err = info.value
    assert (err.line, err.column) == (3, 8)
    assert "line 3, column 8" in str(err)
    assert '  "x": ]\n' in str(err)
    assert str(err).endswith("       ^")
    assert isinstance(err, GroqError)


def test_an_error_in_a_very_long_line_shows_a_window_around_the_caret() -> None:
    query = "[" + "1, " * 10_000 + "2 3" + ", 4" * 10_000 + "]"
    with pytest.raises(GroqSyntaxError) as info:
        parse(query)
    err = info.value
    assert err.column == query.index("3") + 1
    shown, under = str(err).split("\n")[1:]
    assert len(shown) < 100 and shown.startswith("  …") and shown.endswith("…")
    assert shown[len(under) - 1] == "3"  # the caret sits under the offending character


def test_the_caret_lines_up_under_tabs() -> None:
    with pytest.raises(GroqSyntaxError) as info:
        parse("*[\t_type ==\t]")
    shown, under = str(info.value).split("\n")[1:]
    assert under == "    \t        \t^" and shown[len(under) - 1] == "]"


@pytest.mark.parametrize(
    "query",
    ['"unterminated', "*[", "{a: 1}", "1 +", "$", "#", r'"\x"', "foo::bar", "[1 2]"],
)
def test_invalid_queries_raise_syntax_errors(query: str) -> None:
    with pytest.raises(GroqSyntaxError):
        parse(query)


@pytest.mark.parametrize(
    "query",
    [
        "nope()",  # unknown function
        "count()",  # wrong arity
        "count(1, 2)",
        "score(a == 1)",  # pipe function called as a function
        "boost(a, 1)",  # only inside score()
        "1..2",  # ranges only in `in` and slices
        "a => b",  # pairs only in select()
        "$missing",  # parameter not provided
        "[1, 2, 3][1.5]",  # index must be an integer
        "*[0..$n]",
    ],
)
def test_invalid_programs_are_rejected_before_running(query: str) -> None:
    with pytest.raises(GroqSyntaxError):
        evaluate(query, [], params={"n": 1.5})


def test_keywords_are_attributes_in_operand_position() -> None:
    doc = {"_id": "k", "in": 1, "match": 2, "asc": 3, "desc": 4}
    assert evaluate("*[in == 1]{in, match, asc, desc}", [doc]) == [
        {"in": 1, "match": 2, "asc": 3, "desc": 4}
    ]

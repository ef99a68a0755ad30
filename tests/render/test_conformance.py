"""All 435 streaming-markdown cases, in our element names, streamed whole and a character at a time.

Their expected trees are translated by ``tests/render/conformance.py`` (token names to our tags,
links and images through our URL policy). Where we deliberately render differently, the case is
listed below with the reason and the HTML we produce instead, and that HTML is asserted: a
difference is a decision, still tested, never a skip.
"""

from __future__ import annotations

import json

import pytest

from app.render import Renderer, build, check, to_html
from tests.conftest import shared_file
from tests.render.conformance import canonical, expected_tree
from tests.render.opstream import rebuilt

_LONGER_CLOSING_FENCE = (
    "CommonMark 4.5 (and GitHub): a closing fence may be longer than the opening one, so the "
    "inner line closes the block and the last line opens a new, empty one"
)
_DISPLAY_MATH = (
    "display math is a block of its own (div.math-display), not a div inside a <p> (invalid HTML "
    "the page could not serialise back); the newline before the closing delimiter is not content"
)

# title -> (why we differ, the HTML we render instead)
DIFFERENCES: dict[str, tuple[str, str]] = {
    "Code_Fence:3 - bad_end_fence:more": (
        _LONGER_CLOSING_FENCE,
        '<pre data-copy="code"><code></code></pre>\n<pre data-copy="code"><code></code></pre>\n',
    ),
    "Code_Fence:4 - bad_end_fence:more": (
        _LONGER_CLOSING_FENCE,
        '<pre data-copy="code"><code></code></pre>\n<pre data-copy="code"><code></code></pre>\n',
    ),
    "Code_Fence:5 - bad_end_fence:more": (
        _LONGER_CLOSING_FENCE,
        '<pre data-copy="code"><code></code></pre>\n<pre data-copy="code"><code></code></pre>\n',
    ),
    "Escaped link End": (
        "brackets that never become a link are shown as typed, '[' included, instead of an "
        "<a> without href that would hide the '[' from the reader",
        "<p>[foo](url)</p>\n",
    ),
    "Block Equation $$": (_DISPLAY_MATH, '<div class="math-display">equation</div>\n'),
    "Block Equation []": (_DISPLAY_MATH, '<div class="math-display">equation</div>\n'),
}


def _cases() -> list[dict]:
    return json.loads(shared_file("streaming-markdown/cases.json").read_text(encoding="utf-8"))


def _load_params() -> list:
    try:
        cases = _cases()
    except pytest.skip.Exception:
        return [pytest.param(None, id="shared-data-missing")]
    return [pytest.param(case, id=f"{i:03d}-{case['title']}") for i, case in enumerate(cases)]


def _render(markdown: str, step: int | None) -> list:
    renderer = Renderer()
    ops: list = []
    if step is None:
        ops += renderer.write(markdown)
    else:
        for start in range(0, len(markdown), step):
            ops += renderer.write(markdown[start : start + step])
    ops += renderer.end()
    check(ops)
    return ops


def test_there_are_435_cases() -> None:
    assert len(_cases()) == 435


def test_every_listed_difference_names_a_real_case() -> None:
    titles = {case["title"] for case in _cases()}
    assert set(DIFFERENCES) <= titles


@pytest.mark.parametrize("case", _load_params())
@pytest.mark.parametrize("step", [None, 1], ids=["whole", "char-by-char"])
def test_case(case: dict | None, step: int | None) -> None:
    if case is None:
        shared_file("streaming-markdown/cases.json")  # skips with the reason
    ops = _render(case["markdown"], step)
    assert rebuilt(ops) == []
    if case["title"] in DIFFERENCES:
        reason, ours = DIFFERENCES[case["title"]]
        assert to_html(build(ops)) == ours, reason
        assert canonical(build(ops)) != canonical(expected_tree(case)), "no longer differs"
    else:
        assert canonical(build(ops)) == canonical(expected_tree(case))

"""Cost per chunk does not grow with the answer: counted in work units, not timed.

A work unit is one character handled by the block or inline state machine (held characters that
are replayed count again). We stream the same block many times in token-sized chunks and check
that the last repetition costs exactly what the first did, in work and in operations; and that
adversarial text (nested brackets, endless tags, deep quotes) stays within a constant per
character.
"""

from __future__ import annotations

import pytest

from app.render import Renderer, check
from app.render import blocks as blocks_module
from app.render import inline as inline_module

BLOCK = """## Section

Some prose with **bold**, _em_, `code`, a [link](https://example.com/x) and https://example.com/.
A second line [1] with $x^2$ and <br> and ~~strike~~.

- item
  - nested [ ] not a task
- [x] task

| a | b |
|---|---|
| 1 | `2` |

```python
print("hello")
```

> quoted *text*

"""
CHUNK = 4  # about one token


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter incremented for every character any parser state machine handles."""
    counter = [0]

    def counted(original):
        def wrapper(self, ch):
            counter[0] += 1
            return original(self, ch)

        return wrapper

    monkeypatch.setattr(
        inline_module.InlineParser, "_feed", counted(inline_module.InlineParser._feed)
    )
    monkeypatch.setattr(
        blocks_module.MarkdownParser, "_char", counted(blocks_module.MarkdownParser._char)
    )
    monkeypatch.setattr(
        blocks_module.MarkdownParser,
        "_char_in_line",
        counted(blocks_module.MarkdownParser._char_in_line),
    )
    return counter


def _profile(text: str, work: list[int]) -> tuple[list[int], list[int], list]:
    """Work and operation count of every chunk, and all operations."""
    renderer = Renderer({1: "https://source.example/1"})
    work_per_chunk, ops_per_chunk, ops = [], [], []
    for start in range(0, len(text), CHUNK):
        before = work[0]
        batch = renderer.write(text[start : start + CHUNK])
        work_per_chunk.append(work[0] - before)
        ops_per_chunk.append(len(batch))
        ops += batch
    ops += renderer.end()
    return work_per_chunk, ops_per_chunk, ops


def test_the_last_repetition_costs_what_the_first_did(work: list[int]) -> None:
    block = BLOCK + " " * (-len(BLOCK) % CHUNK)  # whole chunks per repetition
    per_block = len(block) // CHUNK
    repetitions = 200  # about 25,000 tokens
    work_per_chunk, ops_per_chunk, ops = _profile(block * repetitions, work)
    check(ops)
    first = slice(per_block, 2 * per_block)  # second repetition: state after a block is steady
    last = slice((repetitions - 1) * per_block, repetitions * per_block)
    assert work_per_chunk[first] == work_per_chunk[last]
    assert ops_per_chunk[first] == ops_per_chunk[last]
    assert max(work_per_chunk) <= 12 * CHUNK
    assert sum(work_per_chunk) <= 3 * len(block) * repetitions


def test_work_counter_counts_something(work: list[int]) -> None:
    work_per_chunk, _, _ = _profile("hello world", work)
    assert sum(work_per_chunk) >= len("hello world")


ADVERSARIAL = {
    "nested brackets": "[" * 20000,
    "unclosed links": "[a](" * 5000,
    "unbalanced parens in a URL": "[a](" + "(" * 20000,
    "endless tags": "<a" * 10000,
    "image openers": "![" * 10000,
    "brackets and text": "[x" * 10000,
    "stars": "*" * 20000,
    "backticks": "`" * 20000,
    "alternating emphasis": "*a _b " * 4000,
    "deep quotes": "> " * 10000 + "x",
    "deep lists": "".join("  " * (i % 50) + "- a\n" for i in range(3000)),
    "pipes": "|" * 20000,
    "url prefixes": "http:/ " * 3000,
    "spaces": " " * 20000 + "x",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_text_costs_a_constant_per_character(text: str, work: list[int]) -> None:
    work_per_chunk, _, ops = _profile(text, work)
    check(ops)
    assert sum(work_per_chunk) <= 10 * len(text)
    # and no single chunk pays for the whole history
    assert max(work_per_chunk) <= 4200 + 10 * CHUNK


def test_nesting_depth_is_capped() -> None:
    for text in ("> " * 100 + "x", "".join("  " * i + "- a\n" for i in range(100)), "*a _b " * 50):
        renderer = Renderer()
        ops = renderer.write(text) + renderer.end()
        depth = deepest = 0
        for op in ops:
            depth += {"open": 1, "close": -1}.get(op[0], 0)
            deepest = max(deepest, depth)
        assert deepest <= 20, text[:20]

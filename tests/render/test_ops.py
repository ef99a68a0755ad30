"""The operation contract rejects what the page must never apply."""

from __future__ import annotations

import pytest

from app.render import OpsError, check


@pytest.mark.parametrize(
    ("ops", "reason"),
    [
        ([["open", "script"], ["close"]], "not allowed"),
        ([["open", "a"], ["attr", "onclick", "x"], ["close"]], "not allowed"),
        ([["open", "a"], ["attr", "href", "javascript:alert(1)"], ["close"]], "URL policy"),
        ([["open", "a"], ["attr", "href", "/a"], ["attr", "href", "/b"], ["close"]], "twice"),
        ([["open", "img"], ["attr", "src", "https://t.example/p.gif"], ["close"]], "image"),
        ([["open", "code"], ["attr", "class", "x onload"], ["close"]], "class"),
        ([["open", "input"], ["attr", "type", "text"], ["close"]], "type"),
        ([["open", "br"], ["text", "x"], ["close"]], "void"),
        ([["text", "x"]], "no open element"),
        ([["close"]], "no open element"),
        ([["open", "p"]], "left open"),
        ([["innerHTML", "<b>"]], "malformed"),
    ],
)
def test_contract_violations(ops: list, reason: str) -> None:
    with pytest.raises(OpsError, match=reason):
        check(ops)


def test_an_unfinished_batch_may_leave_elements_open() -> None:
    check([["open", "p"], ["text", "streaming"]], complete=False)

"""Per-evaluation state: the query context (dataset, params, clock, limits) and scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import GroqLimitError


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds against hostile or accidental runaway queries.

    `max_steps` counts elements visited by filters, maps, projections, sorts and function
    calls; `max_depth` bounds syntactic nesting and custom-function recursion. Both are
    generous for real content queries and small enough to fail fast in a browser tab.
    """

    max_steps: int = 20_000_000
    max_depth: int = 96
    max_call_depth: int = 64


class Context:
    __slots__ = (
        "dataset",
        "index",
        "params",
        "now",
        "now_text",
        "before",
        "after",
        "identity",
        "steps_left",
        "limits",
        "call_depth",
        "options",
        "memo",
    )

    def __init__(
        self,
        dataset: list,
        index: Any,
        params: dict,
        now: Any,
        now_text: str,
        before: object,
        after: object,
        identity: str,
        limits: Limits,
        options: dict,
    ) -> None:
        self.dataset = dataset
        self.index = index
        self.params = params
        self.now = now
        self.now_text = now_text
        self.before = before
        self.after = after
        self.identity = identity
        self.limits = limits
        self.steps_left = limits.max_steps
        self.call_depth = 0
        self.options = options
        self.memo: dict = {}

    def charge(self, steps: int) -> None:
        self.steps_left -= steps
        if self.steps_left < 0:
            raise GroqLimitError(
                f"query exceeded its step budget of {self.limits.max_steps:,} evaluation steps; "
                "narrow the filter or raise the limit"
            )

    def lookup(self, ref: object) -> object:
        """The document whose `_id` equals `ref` (first one in dataset order), or None."""
        if type(ref) is not str:
            return None
        if self.index is not None:
            return self.index.get(ref)
        self.charge(len(self.dataset))
        for doc in self.dataset:
            if type(doc) is dict and doc.get("_id") == ref:
                return doc
        return None


class Scope:
    """Where an expression runs: `@` is `value`, `^` walks `parent`.

    Hidden scopes (used while mapping a traversal over an array) do not add a `^` level.
    """

    __slots__ = ("value", "parent", "ctx", "params", "hidden")

    def __init__(
        self, value: object, parent: Scope | None, ctx: Context, params: dict, hidden: bool = False
    ) -> None:
        self.value = value
        self.parent = parent
        self.ctx = ctx
        self.params = params
        self.hidden = hidden

    def nested(self, value: object) -> Scope:
        return Scope(value, self.parent if self.hidden else self, self.ctx, self.params, False)

    def hidden_child(self, value: object) -> Scope:
        return Scope(value, self.parent if self.hidden else self, self.ctx, self.params, True)

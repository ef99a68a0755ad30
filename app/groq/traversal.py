"""Traversal chains compiled to closures, following the spec's traversal algebra.

Each postfix item is classified by what it takes and gives: plain (value -> value), array
(array -> array), array-source (array -> value, i.e. `[n]`), and projections. Folding the
chain from the right decides where the chain must map, or flat-map, over array elements,
which is what makes `*[...].author->name` return one name per document.
"""

from __future__ import annotations

from collections.abc import Callable

from .runtime import Scope

Fn = Callable[[Scope], object]
Build = Callable[[Fn], Fn]


def this_fn(scope: Scope) -> object:
    return scope.value


def join(a: Build, b: Build) -> Build:
    return lambda base: b(a(base))


def map_build(inner: Build) -> Build:
    def build(base: Fn) -> Fn:
        body = inner(this_fn)

        def mapped(scope: Scope) -> object:
            arr = base(scope)
            if type(arr) is not list:
                return None
            scope.ctx.charge(len(arr))
            child = scope.hidden_child(None)
            out = []
            append = out.append
            for item in arr:
                child.value = item
                append(body(child))
            return out

        return mapped

    return build


def flat_map_build(inner: Build) -> Build:
    def build(base: Fn) -> Fn:
        body = inner(this_fn)

        def flat_mapped(scope: Scope) -> object:
            arr = base(scope)
            if type(arr) is not list:
                return None
            scope.ctx.charge(len(arr))
            child = scope.hidden_child(None)
            out: list = []
            for item in arr:
                child.value = item
                result = body(child)
                if type(result) is list:
                    out.extend(result)
                else:
                    out.append(result)
            return out

        return flat_mapped

    return build


# The four shapes of a (partial) chain: a=array, b=any value; "a-b" = array in, value out.
AA, AB, BA, BB = "a-a", "a-b", "b-a", "b-b"


def fold(items: list[tuple[str, Build]]) -> tuple[str, Build] | None:
    """Combines classified items ("plain" | "array" | "element" | "projection") right to left."""
    right: tuple[str, Build] | None = None
    for kind, build in reversed(items):
        right = _combine(kind, build, right)
    return right


def _combine(kind: str, build: Build, right: tuple[str, Build] | None) -> tuple[str, Build]:
    if kind == "array":
        if right is None:
            return AA, build
        rtype, rbuild = right
        if rtype == AA:
            return AA, join(build, rbuild)
        if rtype == AB:
            return AB, join(build, rbuild)
        if rtype == BB:
            return AA, join(build, map_build(rbuild))
        return AA, join(build, flat_map_build(rbuild))
    if kind == "plain":
        if right is None:
            return BB, build
        rtype, rbuild = right
        return (BA if rtype in (AA, BA) else BB), join(build, rbuild)
    if kind == "element":
        if right is None:
            return AB, build
        rtype, rbuild = right
        return (AA if rtype in (AA, BA) else AB), join(build, rbuild)
    # projection
    if right is None:
        return BB, build
    rtype, rbuild = right
    if rtype == AA:
        return AA, join(map_build(build), rbuild)
    if rtype == AB:
        return AB, join(map_build(build), rbuild)
    return rtype, join(build, rbuild)


# Item builders --------------------------------------------------------------------------


def attr_build(name: str) -> Build:
    def build(base: Fn) -> Fn:
        def attr(scope: Scope) -> object:
            v = base(scope)
            return v.get(name) if type(v) is dict else None

        return attr

    return build


def element_build(index: int) -> Build:
    def build(base: Fn) -> Fn:
        def element(scope: Scope) -> object:
            v = base(scope)
            if type(v) is not list:
                return None
            n = len(v)
            return v[index] if -n <= index < n else None

        return element

    return build


def slice_indices(n: int, left: int, right: int, exclusive: bool) -> tuple[int, int]:
    if left < 0:
        left += n
    if right < 0:
        right += n
    if exclusive:
        right -= 1
    left = max(0, left)
    right = min(n - 1, right)
    return left, right + 1


def slice_build(left: int, right: int, exclusive: bool) -> Build:
    def build(base: Fn) -> Fn:
        def sliced(scope: Scope) -> object:
            v = base(scope)
            if type(v) is not list:
                return None
            lo, hi = slice_indices(len(v), left, right, exclusive)
            return v[lo:hi] if lo < hi else []

        return sliced

    return build


def filter_build(pred: Fn, positive_score: bool = False) -> Build:
    """`positive_score`: the filter is `[_score > 0]`; straight after `score()` it is fused
    into it, so the documents scoring 0 are never copied only to be dropped."""

    def build(base: Fn) -> Fn:
        fused = getattr(base, "positive_only", None) if positive_score else None
        if fused is not None:
            return fused

        def filtered(scope: Scope) -> object:
            v = base(scope)
            if type(v) is not list:
                return None
            scope.ctx.charge(len(v))
            child = scope.nested(None)
            out = []
            for item in v:
                child.value = item
                if pred(child) is True:
                    out.append(item)
            return out

        return filtered

    return build


def array_postfix_build(base: Fn) -> Fn:
    def coerce(scope: Scope) -> object:
        v = base(scope)
        return v if type(v) is list else None

    fused = getattr(base, "positive_only", None)
    if fused is not None:  # score() returns an array or null already: keep its fused filter
        coerce.positive_only = fused  # type: ignore[attr-defined]
    return coerce


def deref_build(attr: str | None) -> Build:
    def build(base: Fn) -> Fn:
        def deref(scope: Scope) -> object:
            v = base(scope)
            if type(v) is not dict:
                return None
            doc = scope.ctx.lookup(v.get("_ref"))
            if attr is None:
                return doc
            return doc.get(attr) if type(doc) is dict else None

        return deref

    return build


def projection_build(obj: Fn) -> Build:
    def build(base: Fn) -> Fn:
        def project(scope: Scope) -> object:
            v = base(scope)
            if type(v) is not dict:
                return None
            return obj(scope.nested(v))

        return project

    return build

"""string:: functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope


@eager("string", "split", 2)
def split(scope: Scope, text: object, sep: object) -> object:
    if type(text) is not str or type(sep) is not str:
        return None
    if text == "":
        return []
    if sep == "":
        return list(text)
    return text.split(sep)


@eager("string", "startsWith", 2)
def starts_with(scope: Scope, text: object, prefix: object) -> object:
    if type(text) is not str or type(prefix) is not str:
        return None
    return text.startswith(prefix)


@eager("string", "lower", 1)
def lower(scope: Scope, value: object) -> object:
    return value.lower() if type(value) is str else None


@eager("string", "upper", 1)
def upper(scope: Scope, value: object) -> object:
    return value.upper() if type(value) is str else None

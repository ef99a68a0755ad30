"""releases:: functions: content releases are documents of type `system.release`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope

RELEASE_TYPE = "system.release"


@eager("releases", "all", 0)
def all_releases(scope: Scope) -> object:
    ctx = scope.ctx
    source = ctx.options.get("raw_dataset", ctx.dataset)
    return [d for d in source if type(d) is dict and d.get("_type") == RELEASE_TYPE]

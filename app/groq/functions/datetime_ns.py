"""dateTime:: functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..values import DateTime
from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope


@eager("dateTime", "now", 0)
def now(scope: Scope) -> object:
    now = scope.ctx.now
    return DateTime(now.seconds, now.nanos)

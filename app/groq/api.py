"""The public entry points: `parse()` and `evaluate()`."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from . import ast as A
from .compiler import Compiler
from .errors import GroqError, GroqLimitError
from .parser import parse as _parse
from .perspective import apply_perspective
from .runtime import Context, Limits, Scope
from .values import CREATED, DateTime, to_json

_PARSE_CACHE: OrderedDict[tuple[str, int], A.Query] = OrderedDict()
_PARSE_CACHE_SIZE = 256
DEFAULT_LIMITS = Limits()


def parse(query: str, *, max_depth: int | None = None) -> A.Query:
    """Parses a query into a reusable syntax tree (raises GroqSyntaxError)."""
    depth = DEFAULT_LIMITS.max_depth if max_depth is None else max_depth
    key = (query, depth)
    cached = _PARSE_CACHE.get(key)
    if cached is not None:
        _PARSE_CACHE.move_to_end(key)
        return cached
    tree = _parse(query, max_depth=depth)
    _PARSE_CACHE[key] = tree
    if len(_PARSE_CACHE) > _PARSE_CACHE_SIZE:
        _PARSE_CACHE.popitem(last=False)
    return tree


def evaluate(
    query: str | A.Query,
    dataset: Any,
    *,
    params: dict | None = None,
    now: str | None = None,
    before: Any = None,
    after: Any = None,
    perspective: str | list[str] = "raw",
    planner: bool = True,
    limits: Limits | None = None,
    identity: str = "anonymous",
    project_id: str | None = None,
    dataset_name: str | None = None,
    semantic: Any = None,
) -> Any:
    """Runs a GROQ query over documents and returns a JSON-compatible value.

    `dataset` is a list of documents or an `app.content.Dataset` (whose indexes the planner
    uses). `perspective` is "raw" (everything), "published" (no drafts or release versions),
    "drafts" (drafts overlaid on published documents) or a list of release names to overlay.
    `planner=False` runs the plain reference evaluation (used to check the planner).
    `semantic` answers text::semanticSimilarity() (see app/groq/functions/semantic.py).

    The result may share objects with the dataset (documents are returned as they are, not
    copied): treat it as read-only, as the engine treats the documents.
    """
    from app.content import Dataset

    limits = limits or DEFAULT_LIMITS
    tree = query if isinstance(query, A.Query) else parse(query, max_depth=limits.max_depth)
    params = dict(params or {})
    index = dataset if isinstance(dataset, Dataset) else None
    documents = index.documents if index is not None else dataset
    if not isinstance(documents, list):
        raise GroqError("the dataset must be a list of documents or an app.content.Dataset")
    view, view_index = apply_perspective(documents, index, perspective)
    moment = _resolve_now(now)
    options = {
        "project_id": project_id,
        "dataset_name": dataset_name,
        "raw_dataset": documents,
        "semantic": semantic,
    }
    ctx = Context(
        view,
        view_index if planner else None,
        params,
        moment,
        _format_now(moment),
        before,
        after,
        identity,
        limits,
        options,
    )
    active_planner = None
    if planner and view_index is not None:
        from .planner import Planner

        active_planner = Planner(view_index)
    try:
        fn = Compiler(tree, params, active_planner, options).compile_query()
        created = CREATED.count
        result = fn(Scope(None, None, ctx, params))
        # Without datetimes or paths the result is JSON as it stands: skip the copy.
        return to_json(result) if CREATED.count != created else result
    except RecursionError as exc:
        raise GroqLimitError("query too deeply nested to evaluate") from exc


def _resolve_now(now: str | None) -> DateTime:
    if now is not None:
        parsed = DateTime.parse(now)
        if parsed is None:
            raise GroqError(f"now={now!r} is not an RFC 3339 timestamp")
        return parsed
    current = datetime.now(UTC)
    return DateTime(int(current.timestamp()), current.microsecond * 1000)


def _format_now(moment: DateTime) -> str:
    return str(moment)

"""sanity:: functions: project metadata and document-version relations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope


@eager("sanity", "projectId", 0)
def project_id(scope: Scope) -> object:
    return scope.ctx.options.get("project_id")


@eager("sanity", "dataset", 0)
def dataset(scope: Scope) -> object:
    return scope.ctx.options.get("dataset_name")


def base_id(doc_id: str) -> str:
    """The published id a draft (`drafts.x`) or version (`versions.<release>.x`) belongs to."""
    if doc_id.startswith("drafts."):
        return doc_id[len("drafts.") :]
    if doc_id.startswith("versions."):
        rest = doc_id[len("versions.") :]
        dot = rest.find(".")
        return rest[dot + 1 :] if dot != -1 else rest
    return doc_id


@eager("sanity", "versionOf", 1)
def version_of(scope: Scope, doc_id: object) -> object:
    value = scope.value
    if type(doc_id) is not str or type(value) is not dict:
        return False
    own = value.get("_id")
    if type(own) is not str:
        return False
    return base_id(own) == doc_id


@eager("sanity", "partOfRelease", 1)
def part_of_release(scope: Scope, release: object) -> object:
    value = scope.value
    if type(release) is not str or type(value) is not dict:
        return False
    own = value.get("_id")
    return type(own) is str and own.startswith(f"versions.{release}.")

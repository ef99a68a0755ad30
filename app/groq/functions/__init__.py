"""GROQ functions, one module per namespace; importing this package registers them all."""

from __future__ import annotations

from . import (  # noqa: F401  (imported for their registrations)
    array,
    datetime_ns,
    delta,
    diff,
    geo,
    global_ns,
    math_ns,
    pt,
    releases,
    sanity,
    semantic,
    string,
    text,
)
from .registry import REGISTRY, FunctionDef, eager, register, register_scorer

__all__ = ["REGISTRY", "FunctionDef", "eager", "register", "register_scorer"]

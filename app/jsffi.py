"""The few Pyodide FFI helpers the browser backends share, importable (but inert) in CPython.

Everything touching `js` / `pyodide.ffi` goes through here, lazily, so the backends import in
CPython and their pure logic is testable there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def js_module() -> Any:
    """The JavaScript global scope (`js`); ModelError outside Pyodide."""
    try:
        import js
    except ImportError as exc:
        from app.model.errors import ModelError

        raise ModelError(
            "this backend runs only inside Pyodide (no `js` module here)", reason="backend"
        ) from exc
    return js


def to_js(value: Any) -> Any:
    """Python dict/list -> plain JS objects/arrays (dicts become objects, not Maps)."""
    try:
        from pyodide.ffi import to_js as convert
    except ImportError:
        return value
    js = js_module()
    return convert(value, dict_converter=js.Object.fromEntries, create_pyproxies=False)


def js_slice(array: Any, start: int, end: int) -> bytes:
    """Bytes `start:end` of a JavaScript Uint8Array, copied into Python: the worker reads
    downloaded files in pieces so that no whole-file copy lands in Pyodide's heap, which
    never shrinks."""
    return bytes(array.subarray(start, end).to_bytes())


def proxy(func: Any) -> Any:
    """A Python callable JS can keep calling (event listeners); identity outside Pyodide."""
    try:
        from pyodide.ffi import create_proxy
    except ImportError:
        return func
    return create_proxy(func)


async def fetch_bytes(url: str, what: str, error: Callable[..., Exception]) -> bytes:
    """A site file's bytes; a failed or refused download raises `error(message,
    reason="missing-file")`, so each caller reports it in its own error family."""
    from pyodide.http import pyfetch

    try:
        response = await pyfetch(url)
    except Exception as exc:  # the network or the cache failed
        raise error(f"could not download the {what} ({url}): {exc}", reason="missing-file") from exc
    if not response.ok:
        raise error(
            f"could not download the {what} ({url}): HTTP {response.status}", reason="missing-file"
        )
    return await response.bytes()

"""A stand-in for what Pyodide hands Python for a JavaScript Uint8Array, counting what is
copied into Python: the worker reads the content index and the passage vectors through it."""

from __future__ import annotations


class FakeUint8Array:
    """`length`, `subarray(start, end)` and `to_bytes()`, as on a Pyodide JsBuffer; every
    `to_bytes()` records how many bytes it copied, in `copied` (shared with subarrays)."""

    def __init__(self, data: bytes, copied: list[int] | None = None) -> None:
        self.data = data
        self.copied = copied if copied is not None else []

    @property
    def length(self) -> int:
        return len(self.data)

    def subarray(self, start: int, end: int) -> FakeUint8Array:
        return FakeUint8Array(self.data[start:end], self.copied)

    def to_bytes(self) -> bytes:
        self.copied.append(len(self.data))
        return self.data

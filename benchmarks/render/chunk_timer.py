"""Runs inside Pyodide in the bench page's worker: times ``Renderer.write`` chunk by chunk.

The worker fetches this file and runs it with ``pyodide.runPython``; it then calls ``warm_up``
once, ``step`` per chunk (posting the JSON ops to the page as the real worker would), ``finish``,
and ``batch_times`` for a second, undisturbed pass. Only ``write`` calls are timed, so the
figures are the renderer's own cost, not the JS bridge's.
"""

from __future__ import annotations

import json
from time import perf_counter

from app.render import Renderer

_renderer = Renderer()
_times: list[float] = []


def warm_up(sample: str) -> None:
    """First use pays for lazy imports and cold caches; keep that out of the first decile."""
    for _ in range(3):
        warm = Renderer()
        for start in range(0, len(sample), 4):
            warm.write(sample[start : start + 4])
        warm.end()


def step(chunk: str) -> str:
    """The ops for one chunk as JSON ('' when there are none); the write alone is timed."""
    started = perf_counter()
    ops = _renderer.write(chunk)
    _times.append(perf_counter() - started)
    return json.dumps(ops) if ops else ""


def finish() -> str:
    """The closing ops, and every chunk's write time in seconds."""
    return json.dumps({"ops": _renderer.end(), "times": _times})


def batch_times(chunks_json: str, size: int, repeats: int) -> str:
    """Per-chunk cost averaged over batches of ``size`` consecutive writes, on fresh renderers.

    Browsers coarsen clocks to 5 us (100 us without cross-origin isolation), about what one
    write costs, so single writes cannot show a trend: a batch is timed as a whole. Each batch
    keeps its fastest of ``repeats`` passes, so another process stealing the CPU for a moment
    does not pass for a cost that grows with the answer.
    """
    chunks = json.loads(chunks_json)
    best: list[float] = []
    for _ in range(repeats):
        renderer = Renderer()
        means = []
        for start in range(0, len(chunks) - size + 1, size):
            batch = chunks[start : start + size]
            started = perf_counter()
            for chunk in batch:
                renderer.write(chunk)
            means.append((perf_counter() - started) / size)
        renderer.end()
        best = [min(a, b) for a, b in zip(best, means, strict=True)] if best else means
    return json.dumps(best)

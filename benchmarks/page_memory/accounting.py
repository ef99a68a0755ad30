# Run inside the page worker's Pyodide by benchmarks/page_memory.py (Python is idle between stages).
import json
import sys


def _bench_accounting(deep, top):
    out = {}
    if deep:
        out["deep_mb"] = _bench_deep()
    try:
        import tracemalloc

        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot()
            current, peak = tracemalloc.get_traced_memory()
            out["traced_mb"] = [current / 2**20, peak / 2**20]  # peak: since the last stage
            tracemalloc.reset_peak()
            out["top"] = [
                [str(s.traceback[0]), s.size / 2**20, s.count]
                for s in snapshot.statistics("lineno")[:top]
            ]
    except ImportError:
        pass
    return json.dumps(out)


def _bench_deep():
    # Deep sizes of what the app holds, each object counted once, in this order (a later
    # part does not count what an earlier one already holds).
    import app.worker as w

    seen = set()

    def size(*roots):
        total, stack = 0, list(roots)
        while stack:
            obj = stack.pop()
            if id(obj) in seen or obj is None or isinstance(obj, type):
                continue
            seen.add(id(obj))
            total += sys.getsizeof(obj)
            if isinstance(obj, dict):
                stack.extend(obj.keys())
                stack.extend(obj.values())
            elif isinstance(obj, (list, tuple, set, frozenset)):
                stack.extend(obj)
            elif hasattr(obj, "__dict__") and not callable(obj):
                stack.append(vars(obj))
            elif hasattr(obj, "__slots__"):
                stack.extend(getattr(obj, s, None) for s in obj.__slots__)
        return total / 2**20

    parts = {}
    assistant = w._assistant
    if assistant is not None:
        d = assistant.dataset
        parts["documents"] = size(d.documents)
        fields = d.fields
        parts["field index"] = size(fields) if fields is not None else 0.0
        parts["dataset indexes"] = size(
            d.positions, d.by_id, d.by_type, d.duplicate_ids, d._references, d._columns, d._text
        )
        semantic = assistant.semantic
        if semantic is not None:
            parts["passage vectors"] = size(semantic.index)
    embedder = w._semantic.embedder
    if embedder is not None:
        parts["encoder tokenizer"] = size(embedder.tokenizer)
    if w._model is not None:
        parts["model tokenizer"] = size(w._model.tokenizer, w._model.template)
        parts["model decoder"] = size(w._model.decoder)
    if assistant is not None:
        parts["conversations"] = size(assistant._turns)
    return parts

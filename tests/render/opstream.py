"""Reading operation streams in tests: joining text runs, spotting rebuilt elements."""

from __future__ import annotations


def merged(ops: list) -> list:
    """Ops with adjacent text joined: text grouping is the only thing chunking may change."""
    out: list = []
    for op in ops:
        if op[0] == "text" and out and out[-1][0] == "text":
            out[-1] = ["text", out[-1][1] + op[1]]
        else:
            out.append(list(op))
    return out


_INLINE = ("em", "strong", "del", "code", "a", "span")


def rebuilt(ops: list) -> list[str]:
    """Inline elements closed and at once re-created with the same tag and attributes and a
    continuation of the same text: the op-stream signature of tearing an element down to rebuild
    it with more content. Returns a description of each, empty when there is none.

    Text can contain this pattern on purpose (``*a**a b*`` is not it, but contrived inputs can
    be), so for arbitrary text compare with the one-shot stream: streaming must add none."""
    found: list[str] = []
    stack: list[dict] = []
    last_closed: dict | None = None
    for op in merged(ops):
        if op[0] == "open":
            node = {"tag": op[1], "attrs": [], "text": ""}
            if last_closed and last_closed["tag"] == op[1] and op[1] in _INLINE:
                node["rebuild_of"] = last_closed
            stack.append(node)
        elif op[0] == "attr":
            stack[-1]["attrs"].append(op[1:])
        elif op[0] == "text":
            for node in stack:
                node["text"] += op[1]
        else:
            node = stack.pop()
            before = node.get("rebuild_of")
            if before and before["attrs"] == node["attrs"] and before["text"]:
                longer = len(node["text"]) > len(before["text"])
                if longer and node["text"].startswith(before["text"]):
                    found.append(f"<{node['tag']}> {before['text']!r} rebuilt as {node['text']!r}")
            last_closed = node
            continue
        last_closed = None
    return found

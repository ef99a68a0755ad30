"""Block-level Markdown (paragraphs, headings, lists, quotes, code, tables), a character at a time.

Each line starts in a short "prefix" phase: quote markers and indentation are counted, then the
first characters are held just until the line's kind is certain (``- `` could start a list item
or a rule ``- - -``; ```` ``` ```` a fence or inline code). The held characters are then replayed
as the line's content, so no character is read more than twice and the cost per character does not
depend on how much came before. Container decisions (which lists and quotes stay open) are made
once per line from the indentation, never by looking back at earlier text.

Paragraph-ending newlines are held: whether ``\\n`` is a line break inside the paragraph or the end
of it is known only from the next line, and nothing is emitted until then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.render.block_leaves import LeafLines
from app.render.block_lines import TEXT_LEAVES, LineKinds, strip_columns
from app.render.events import Sink
from app.render.inline import InlineParser

# Deeper list nesting is flattened: a hostile answer must not build a DOM deep enough to stall
# layout.
MAX_LISTS = 8
_HEADING_CLOSER = re.compile(r"[ \t]+(#+[ \t]*)?")


@dataclass
class Frame:
    """An open container: a block quote, a list, or a list item."""

    kind: str  # "quote" | "list" | "item"
    ordered: bool = False
    marker_col: int = 0  # list: column of its first marker
    content_col: int = 0  # item: column where its content starts


class MarkdownParser(LineKinds, LeafLines):
    """Turns Markdown, fed in any chunks, into open/close/text/leaf calls on a sink."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.inline = InlineParser(sink)
        self.frames: list[Frame] = []
        self.leaf = ""  # "", para, item_text, heading, table, fence, code, math
        self.blank_count = 0
        # fence
        self.fence_char, self.fence_len, self.fence_ind, self.fence_quotes = "`", 3, 0, 0
        self.fence_lines = 0
        # indented code
        self.code_strip, self.code_blank = 4, 0
        # display math
        self.math_closer, self.math_lines = "$$", 0
        # table
        self.table_delim, self.row_open, self.cell_open, self.cell_spaces = False, False, False, 0
        self.finished = False
        self._new_line()

    # ---- public -----------------------------------------------------------------------------

    def feed(self, text: str) -> None:
        for ch in text:
            self._char(ch)

    def finish(self) -> None:
        """End of the answer: settle the last line and close everything still open."""
        if self.finished:
            return
        if self.line_dirty:
            self._char("\n")
        self._close_leaf()
        while self.frames:
            self._pop()
        self.finished = True

    # ---- line bookkeeping ---------------------------------------------------------------------

    def _new_line(self) -> None:
        self.line_dirty = False
        self.q, self.ind, self.ws, self.after_gt = 0, 0, "", False
        self.lb: list[str] = []
        self.cand = ""
        self.task: list[str] = []
        if self.leaf == "fence":
            self.phase = "fence"
            self.f_q, self.f_cols, self.f_skip_sp, self.f_strip = 0, 0, False, True
            self.f_pend: list[str] = []
            self.f_cand, self.f_sp, self.f_run, self.f_trail = True, 0, 0, False
        elif self.leaf == "math":
            self.phase = "math"
        else:
            self.phase = "prefix"

    def _char(self, ch: str) -> None:
        if ch == "\r":
            return
        if ch == "\0":
            ch = "\ufffd"
        self.line_dirty = True
        phase = self.phase
        if phase == "prefix":
            self._prefix_char(ch)
        elif phase == "content":
            self._content_char(ch)
        elif phase == "task":
            self._task_char(ch)
        elif phase == "fence":
            self._fence_char(ch)
        elif phase == "code":
            if ch == "\n":
                self._new_line()
            else:
                self.sink.text(ch)
        elif phase == "math":
            self._math_char(ch)

    # ---- containers ---------------------------------------------------------------------------

    def _pop(self) -> None:
        self.frames.pop()
        self.sink.close()

    def _quote_count(self) -> int:
        return sum(1 for frame in self.frames if frame.kind == "quote")

    def _list_depth(self) -> int:
        return sum(1 for frame in self.frames if frame.kind == "list")

    def _scope_top(self) -> Frame | None:
        """Innermost frame if it is a list or item (not separated from us by a quote)."""
        if self.frames and self.frames[-1].kind != "quote":
            return self.frames[-1]
        return None

    def _close_to_quote(self, quotes: int) -> None:
        """Keep what lies outside the (quotes+1)-th quote; close that quote and all inside it."""
        seen, keep = 0, len(self.frames)
        for i, frame in enumerate(self.frames):
            if frame.kind == "quote":
                if seen == quotes:
                    keep = i
                    break
                seen += 1
        while len(self.frames) > keep:
            self._pop()

    def _close_scope_lists(self) -> None:
        while self._scope_top() is not None:
            self._pop()

    def _close_leaf(self) -> None:
        leaf, self.leaf = self.leaf, ""
        if leaf in ("para", "heading"):
            self.inline.finish()
            self.sink.close()
        elif leaf == "item_text":
            self.inline.finish()
        elif leaf == "table":
            if self.cell_open:
                self.inline.finish()
                self.sink.close()
            if self.row_open:
                self.sink.close()
            self.sink.close()  # thead or tbody
            self.sink.close()  # table
            self.row_open = self.cell_open = False
        elif leaf in ("fence", "code", "math"):
            self.sink.close()

    # ---- applying the line's kind -------------------------------------------------------------

    def _apply(self, kind: str, **data: int | str) -> None:
        """The line's kind is known: fix up containers, open the block, replay held chars."""
        held, self.lb = self.lb, []
        q, ind = self.q, self.ind
        quotes = self._quote_count()
        if kind == "text" and self.leaf in TEXT_LEAVES and q <= quotes:
            self.inline.line_break()
            self.blank_count = 0
            self._replay_content(held)
            return
        if kind in ("row", "delim") and self.leaf == "table":
            if kind == "delim":
                self._table_delimiter()
                self._new_line()
                return
            self._table_row(held[1:])
            return
        self._close_leaf()
        if q < quotes:
            self._close_to_quote(q)
        if kind == "blank":
            self.blank_count += 1
            if self.blank_count >= 2:
                self._close_scope_lists()
            self._new_line()
            return
        self.blank_count = 0
        if q > quotes:
            self._close_scope_lists()
            for _ in range(q - quotes):
                self.frames.append(Frame("quote"))
                self.sink.open("quote")
        if kind == "item":
            self._open_item(int(data["marker"]), data.get("start"), held)
            return
        while (top := self._scope_top()) is not None and (
            top.kind == "list" or top.content_col > ind
        ):
            self._pop()
        self._open_leaf(kind, data, held)

    def _open_leaf(self, kind: str, data: dict[str, int | str], held: list[str]) -> None:
        sink = self.sink
        if kind == "text":
            sink.open("paragraph")
            self._start_text_leaf("para")
            self._replay_content(held)
        elif kind == "heading":
            sink.open("heading", level=int(data["level"]))
            self._start_text_leaf("heading")
            self.heading_hold = [" "]  # "# #" is an empty heading
            self._replay_content(held[int(data["level"]) + 1 :])
        elif kind == "rule":
            sink.leaf("rule")
            self._new_line()
        elif kind == "fence":
            run = self.fence_run
            info = "".join(held[run:]).strip()
            lang = info.split()[0] if info else ""
            sink.open("code_block", lang=lang)
            self.leaf, self.fence_char, self.fence_len = "fence", held[0], run
            self.fence_ind, self.fence_quotes, self.fence_lines = self.ind, self.q, 0
            self._new_line()
        elif kind == "code":
            sink.open("code_block", lang="")
            self.leaf, self.code_blank = "code", 0
            self.code_strip = int(data["base"]) + 4
            rest = strip_columns(self.ws, self.code_strip) + "".join(held)
            if rest:
                sink.text(rest)
            self.phase = "code"
        elif kind == "math":
            sink.open("math_display")
            self.leaf, self.math_closer, self.math_lines = "math", str(data["closer"]), 0
            self.math_buf: list[str] = []
            self._new_line()
        elif kind == "row":
            sink.open("table")
            sink.open("table_head")
            self.leaf, self.table_delim = "table", False
            self._table_row(held[1:])

    def _start_text_leaf(self, leaf: str) -> None:
        self.leaf = leaf
        self.inline.start()
        self.inline.last_space = True
        self.phase = "content"

    def _open_item(self, marker: int, start: int | str | None, held: list[str]) -> None:
        ordered = start is not None
        ind = self.ind
        while (top := self._scope_top()) is not None:
            if top.kind == "item" and top.content_col > ind:
                self._pop()
            elif top.kind == "list" and top.marker_col > ind:
                self._pop()
            else:
                break
        top = self._scope_top()
        if top is not None and top.kind == "item" and self._list_depth() >= MAX_LISTS:
            self._pop()  # too deep: a sibling instead of one more level
            top = self._scope_top()
        if top is not None and top.kind == "list" and top.ordered != ordered:
            self._pop()
            top = self._scope_top()
        if top is None or top.kind == "item":
            self.frames.append(Frame("list", ordered=ordered, marker_col=ind))
            self.sink.open("list", ordered=ordered, start=int(start) if ordered else 1)
        rest = held[marker:]
        spaces = 0
        for ch in rest:
            if ch not in " \t":
                break
            spaces += 1
        content_col = ind + marker + (spaces if 1 <= spaces <= 4 else 1)
        self.frames.append(Frame("item", content_col=content_col))
        self.sink.open("item")
        self._start_text_leaf("item_text")
        self.leaf = "item_text"
        self.phase = "task"
        self._replay_content(rest[spaces:])

    def _replay_content(self, held: list[str]) -> None:
        if self.phase not in ("content", "task"):
            self.phase = "content"
        for ch in held:
            self._char_in_line(ch)

    def _char_in_line(self, ch: str) -> None:
        if self.phase == "task":
            self._task_char(ch)
        elif self.phase == "content":
            self._content_char(ch)
        else:
            self._char(ch)

    # ---- content of text lines, task boxes, table rows ----------------------------------------

    def _content_char(self, ch: str) -> None:
        leaf = self.leaf
        if leaf == "table":
            self._cell_char(ch)
            return
        if leaf == "heading" and self._heading_closer(ch):
            return
        if ch == "\n":
            if leaf == "heading":
                self._close_leaf()
            else:
                self.inline.line_end()
            self._new_line()
            return
        self.inline.feed(ch)

    def _heading_closer(self, ch: str) -> bool:
        """Hold trailing spaces and ``#``s; at the line's end drop them if they are the closing
        sequence (`` ##``), otherwise show them. True when ``ch`` was held."""
        held = self.heading_hold
        if ch in " \t" or (ch == "#" and held):
            held.append(ch)
            return True
        if held:
            self.heading_hold = []
            if not (ch == "\n" and _HEADING_CLOSER.fullmatch("".join(held))):
                for h in held:
                    self.inline.feed(h)
        return False

    def _task_char(self, ch: str) -> None:
        task = self.task
        expected = ("[", " xX", "]", " \n")
        if ch in expected[len(task)] and (ch != "\n" or len(task) == 3):
            task.append(ch)
            if len(task) == 4:
                self.sink.leaf("checkbox", checked=task[1] in "xX")
                self.task, self.phase = [], "content"
                self.inline.last_space = False
                self._content_char(ch)
            return
        self.task, self.phase = [], "content"
        for held in task:
            self._content_char(held)
        self._content_char(ch)

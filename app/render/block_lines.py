"""What kind of line this is, decided from as few of its first characters as possible.

The characters of a line's start are held while its kind is still open (``-`` may begin a list
item, a rule or a word; ``1`` a numbered item or a number) and handed to ``MarkdownParser._apply``
once it is not. Every check looks only at the newest character and a few counters, so holding a
long candidate (a rule of a thousand dashes) stays linear.

This is a mixin of ``MarkdownParser``: it shares its state.
"""

from __future__ import annotations

TEXT_LEAVES = ("para", "item_text")
# Deeper quote nesting is flattened: a hostile answer must not build a DOM deep enough to stall
# layout.
MAX_QUOTES = 8


def advance_column(col: int, ch: str) -> int:
    """The column after ``ch``: tabs stop at multiples of 4, as CommonMark says."""
    return (col // 4 + 1) * 4 if ch == "\t" else col + 1


def strip_columns(ws: str, columns: int) -> str:
    """What remains of leading whitespace ``ws`` after removing ``columns`` columns."""
    col = 0
    for i, ch in enumerate(ws):
        if col >= columns:
            return ws[i:]
        col = advance_column(col, ch)
    return ""


class LineKinds:
    """Quote markers, indentation and line-kind candidates for ``MarkdownParser``."""

    def _prefix_char(self, ch: str) -> None:
        if not self.lb:
            if ch in " \t":
                if self.after_gt and ch == " ":
                    self.after_gt = False
                    return
                self.after_gt = False
                self.ind = advance_column(self.ind, ch)
                self.ws += ch
                return
            if ch == ">" and self.ind < 4:
                self.q = min(self.q + 1, MAX_QUOTES)
                self.ind, self.ws, self.after_gt = 0, "", True
                return
            self.after_gt = False
            if self.leaf == "code" and self._code_line(ch):
                return
            self.lb.append(ch)
            self._start_candidate(ch)
            return
        self.lb.append(ch)
        self._candidate_char(ch)

    def _code_line(self, ch: str) -> bool:
        """Inside an indented code block: True when this line belonged to it."""
        if ch == "\n":
            self.code_blank += 1
            self._new_line()
            return True
        if self.ind >= self.code_strip:
            self.sink.text("\n" * (1 + self.code_blank) + strip_columns(self.ws, self.code_strip))
            self.code_blank = 0
            self.sink.text(ch)
            self.phase = "code"
            return True
        self.code_blank = 0
        self._close_leaf()
        return False

    def _start_candidate(self, ch: str) -> None:
        if ch == "\n":
            self._apply("blank")
            return
        top = self._scope_top()
        base = top.content_col if top is not None and top.kind == "item" else 0
        if self.leaf not in TEXT_LEAVES and self.ind >= base + 4:
            self._apply("code", base=base)
            return
        if ch == "#":
            self.cand, self.hashes = "heading", 1
        elif ch in "`~":
            self.cand, self.fence_run = "fence", 1
        elif ch in "-*_":
            self.cand, self.hr_ok, self.hr_count = "dash", True, 1
        elif ch == "+":
            self.cand = "plus"
        elif ch.isdigit():
            self.cand, self.digits = "ordered", 1
        elif ch == "|":
            if self.leaf == "table" and not self.table_delim:
                self.cand, self.saw_dash = "delim", False
            else:
                self._apply("row")
        elif ch == "$":
            self.cand = "math$"
        elif ch == "\\":
            self.cand = "math["
        else:
            self._apply("text")

    def _candidate_char(self, ch: str) -> None:
        cand, lb = self.cand, self.lb
        if cand == "heading":
            if ch == "#" and self.hashes < 6:
                self.hashes += 1
            elif ch in " \t":
                self._apply("heading", level=self.hashes)
            else:
                self._apply("text")
        elif cand == "fence":
            first = lb[0]
            if ch == first and len(lb) - 1 == self.fence_run:
                self.fence_run += 1
            elif self.fence_run < 3:
                self._apply("text")
            elif ch == "\n":
                self._apply("fence")
            elif first == "`" and ch == "`":
                self._apply("text")
        elif cand == "dash":
            first = lb[0]
            bullet = first in "-*" and len(lb) > 2 and lb[1] in " \t"
            if ch == "\n":
                if self.hr_ok and self.hr_count >= 3:
                    self._apply("rule")
                elif bullet:
                    self._apply("item", marker=1)
                else:
                    self._apply("text")
            elif self.hr_ok and (ch == first or ch in " \t"):
                self.hr_count += ch == first
            else:
                self._apply("item", marker=1) if bullet else self._apply("text")
        elif cand == "plus":
            if ch in " \t":
                return
            self._apply("item", marker=1) if len(lb) > 2 else self._apply("text")
        elif cand == "ordered":
            self._ordered_char(ch)
        elif cand == "delim":
            if ch == "\n":
                self._apply("delim" if self.saw_dash else "row")
            elif ch in "|-: \t":
                self.saw_dash = self.saw_dash or ch == "-"
            else:
                self._apply("row")
        elif cand in ("math$", "math["):
            opener = "$$" if cand == "math$" else "\\["
            if len(lb) == 2:
                if ch != opener[1]:
                    self._apply("text")
            elif ch == "\n":
                self._apply("math", closer="$$" if cand == "math$" else "\\]")
            elif ch not in " \t":
                self._apply("text")

    def _ordered_char(self, ch: str) -> None:
        lb = self.lb
        if len(lb) - 1 == self.digits:  # ch follows the digits
            if ch.isdigit() and self.digits < 9:
                self.digits += 1
            elif ch not in ".)":
                self._apply("text")
            return
        if len(lb) - 2 == self.digits:  # ch follows the "." or ")"
            if ch not in " \t":
                self._apply("text")
            return
        if ch not in " \t":
            self._apply("item", marker=self.digits + 1, start=int("".join(lb[: self.digits])))

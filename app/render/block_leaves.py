"""Lines inside leaf blocks with their own rules: table rows, fenced code, display math.

Fenced code is shown as it streams; only what might still be the closing fence (up to three
spaces, then the fence characters) and the newline before it are held, so a closing fence never
flashes up as code. Display math is short and is emitted a line at a time.

This is a mixin of ``MarkdownParser``: it shares its state.
"""

from __future__ import annotations

from app.render.block_lines import advance_column


class LeafLines:
    """Table rows, fence lines and math lines for ``MarkdownParser``."""

    def _table_delimiter(self) -> None:
        if self.row_open:
            self.sink.close()
            self.row_open = False
        self.sink.close()  # thead
        self.sink.open("table_body")
        self.table_delim = True

    def _table_row(self, held: list[str]) -> None:
        self.sink.open("row")
        self.row_open, self.cell_open, self.cell_spaces = True, False, 0
        self.phase = "content"
        for ch in held:
            self._cell_char(ch)

    def _cell_char(self, ch: str) -> None:
        sink = self.sink
        if ch == "\n":
            if self.cell_open:
                self.inline.finish()
                sink.close()
            sink.close()
            self.row_open = self.cell_open = False
            self._new_line()
            return
        if not self.cell_open:
            if ch in " \t":
                self.cell_spaces += 1
                return
            sink.open("cell", header=not self.table_delim)
            if ch == "|":
                if self.cell_spaces:
                    sink.text(" ")
                sink.close()
                self.cell_spaces = 0
                return
            self.inline.start(in_cell=True)
            self.cell_open = True
            if self.cell_spaces:
                self.inline.feed(" ")
        if self.inline.feed(ch):
            self.inline.finish()
            sink.close()
            self.cell_open, self.cell_spaces = False, 0

    def _fence_char(self, ch: str) -> None:
        if not self.f_strip and not self.f_cand:
            if ch == "\n":
                self._new_line()
            else:
                self.sink.text(ch)
            return
        if self.f_strip:
            if ch == ">" and self.f_q < self.fence_quotes and self.f_cols == 0:
                self.f_q += 1
                self.f_skip_sp = True
                return
            if ch == " " and self.f_skip_sp:
                self.f_skip_sp = False
                return
            self.f_skip_sp = False
            if ch in " \t" and self.f_cols < self.fence_ind:
                self.f_cols = advance_column(self.f_cols, ch)
                return
            self.f_strip = False
        if ch == "\n":
            if self.f_run >= self.fence_len and self.f_cand:
                self.sink.close()
                self.leaf = ""
                self._new_line()
                return
            self._fence_content_starts()
            self._new_line()
            return
        if self.f_cand:
            if not self.f_run and ch == " " and self.f_sp < 3:
                self.f_sp += 1
                self.f_pend.append(ch)
                return
            if ch == self.fence_char and not self.f_trail:
                self.f_run += 1
                self.f_pend.append(ch)
                return
            if ch in " \t" and self.f_run:
                self.f_trail = True
                self.f_pend.append(ch)
                return
            self.f_cand = False
        self._fence_content_starts()
        self.sink.text(ch)

    def _fence_content_starts(self) -> None:
        """This line is code: emit the newline before it and whatever was held."""
        sep = "\n" if self.fence_lines else ""
        self.fence_lines += 1
        pending, self.f_pend = "".join(self.f_pend), []
        self.f_cand = False
        if sep or pending:
            self.sink.text(sep + pending)

    def _math_char(self, ch: str) -> None:
        if ch != "\n":
            self.math_buf.append(ch)
            return
        line, self.math_buf = "".join(self.math_buf), []
        if line.strip() == self.math_closer:
            self.sink.close()
            self.leaf = ""
        else:
            text = ("\n" if self.math_lines else "") + line
            self.math_lines += 1
            if text:
                self.sink.text(text)
        self._new_line()

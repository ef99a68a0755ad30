"""Inline Markdown (emphasis, code, links, math...) as a character-at-a-time state machine.

Why character at a time: the model's detokenizer hands us characters in arbitrary groups, and the
final page must not depend on how they were grouped. Every decision here depends only on the
characters seen so far plus a few held back, never on where a chunk ended, so any split of the
same text yields the same events.

Why optimistic: ``**bold`` opens ``strong`` as soon as the character after ``**`` shows it is not
a literal star, so the reader sees bold text while it streams; nothing is ever retracted. What
cannot be shown before it is complete (links, images, tags) is held back with a cap and handled in
``inline_held``; the cap bounds the work, so the cost per character stays constant however long
the answer grows.
"""

from __future__ import annotations

from app.render.events import Sink
from app.render.inline_held import (
    MAX_INLINE_DEPTH,
    PUNCTUATION,
    REPLAY_CREDIT_CAP,
    REPLAY_EARN,
    SPACES,
    HeldConstructs,
)

# Characters after which an ``http://`` starts a new word and so may be an autolink.
_WORD_BREAK = frozenset(" \t(*_~\"'>")
# After an opening ``$`` these mean "currency, not math" ($5, $, ...).
_DOLLAR_STOP = frozenset(" \t:;),!.?]0123456789")

# Inline frames on the stack.
EM = "emphasis"
STRONG = "strong"


class InlineParser(HeldConstructs):
    """Inline state for one leaf block (paragraph, heading, list item text, table cell)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.in_cell = False
        self.credit = REPLAY_CREDIT_CAP
        self.quiet = False
        self._reset()

    def _reset(self) -> None:
        # Open inline frames, innermost last: (kind, delimiter) e.g. ("emphasis", "*").
        self.stack: list[tuple[str, str]] = []
        self.prev: str | None = None  # last character processed, for word boundaries
        self.last_space = False  # collapse runs of spaces in prose
        self.run_char = ""  # a held delimiter run: *, _, ~, `, $
        self.run_len = 0
        self.run_prev: str | None = None
        self.mode = ""  # "", "escape", "bang", "link", "angle", "entity", "url"
        self.buf: list[str] = []
        # code span state
        self.code_ticks = 0
        self.code_space = False
        self.code_fresh = False
        self.math_escape = False
        # link state
        self.link_image = False
        self.link_stage = ""  # "text", "after", "url"
        self.link_text: list[str] = []
        self.link_depth = 0
        self.link_escape = False
        self.url_depth = 0
        # autolink state
        self.url: list[str] = []
        self.url_trail: list[str] = []

    def start(self, in_cell: bool = False) -> None:
        """A new leaf begins: forget everything about the previous one."""
        self._reset()
        self.in_cell = in_cell

    # ---- output helpers -------------------------------------------------------------------

    def _open(self, kind: str, delim: str = "", **info: object) -> None:
        self.sink.open(kind, **info)
        self.stack.append((kind, delim))

    def _close(self) -> None:
        kind, _ = self.stack.pop()
        if kind == "autolink":
            self._end_autolink_href()
        self.sink.close()

    def _emit(self, text: str) -> None:
        """Prose text: tabs become spaces and runs of spaces collapse to one."""
        out = []
        for ch in text:
            if ch in SPACES:
                if self.last_space:
                    continue
                ch = " "
                self.last_space = True
            else:
                self.last_space = False
            out.append(ch)
        if out:
            self.sink.text("".join(out))

    def _raw(self, text: str) -> None:
        """Code and math text: kept exactly."""
        if text:
            self.sink.text(text)
            self.last_space = False

    def _top(self) -> str:
        return self.stack[-1][0] if self.stack else ""

    def _in(self, kind: str) -> bool:
        return any(frame[0] == kind for frame in self.stack)

    # ---- public entry points --------------------------------------------------------------

    def feed(self, ch: str) -> bool:
        """Process one character (never a newline). True means: an unescaped ``|`` ended a cell."""
        self.credit = min(self.credit + REPLAY_EARN, REPLAY_CREDIT_CAP)
        return self._feed(ch)

    def line_end(self) -> None:
        """A newline: settle what was held; code, math and emphasis may go on on the next line."""
        self._settle(final=False)
        if self._top() == "autolink":
            self._close()

    def line_break(self) -> None:
        """The paragraph goes on after a newline: show the break where the text stands."""
        self.sink.leaf("break")
        self.last_space = True
        self.prev = None

    def finish(self) -> None:
        """The leaf ends: settle what was held and close every inline element still open."""
        self._settle(final=True)
        while self.stack:
            self._close()

    # ---- the state machine -----------------------------------------------------------------

    def _settle(self, final: bool) -> None:
        """Resolve held characters as if the text ended here.

        Terminates: each step emits at least one held character as text or closes an element,
        and what it replays is shorter than what was held."""
        while True:
            if self.mode:
                self._mode_boundary(final)
            elif self.run_len:
                self._resolve_run(None)
            elif self._top() == "code":
                self._flush_code_pending()
                break
            elif self._top() == "math_inline" and self.math_escape:
                self.math_escape = False
                self._raw("\\")
                break
            elif self._top() == "autolink" and self.url_trail:
                self._end_autolink_before_trail()
            else:
                break

    def _feed(self, ch: str) -> bool:
        if self.mode:
            if ch == "|" and self.in_cell and self.mode != "escape":
                # GFM: an unescaped pipe ends the cell even inside a half-typed construct.
                while self.mode:
                    self._mode_boundary(final=True)
                return self._feed(ch)
            return self._mode_feed(ch)
        top = self._top()
        if top == "code":
            self._code_char(ch)
            return False
        if top == "math_inline":
            self._math_char(ch)
            return False
        if top == "autolink":
            if self._autolink_char(ch):
                return False
        if self.run_len:
            if ch == self.run_char and self._run_may_grow():
                self.run_len += 1
                return False
            self._resolve_run(ch)
            return self._feed(ch)
        return self._plain(ch)

    def _plain(self, ch: str) -> bool:
        prev, self.prev = self.prev, ch
        if ch in "*_~`$":
            self.run_char, self.run_len, self.run_prev = ch, 1, prev
            return False
        if ch == "\\":
            self.mode = "escape"
            return False
        if ch == "[" and not self.quiet and not self._in("link"):
            self._begin_link(image=False)
            return False
        if ch == "!" and not self.quiet:
            self.mode = "bang"
            return False
        if ch == "<" and not self.quiet:
            self.mode, self.buf = "angle", ["<"]
            return False
        if ch == "&" and not self.quiet:
            self.mode, self.buf = "entity", ["&"]
            return False
        if (
            ch == "h"
            and (prev is None or prev in _WORD_BREAK)
            and not self._in("link")
            and not self._in("autolink")
        ):
            self.mode, self.buf = "url", ["h"]
            return False
        if ch == "|" and self.in_cell:
            return True
        self._emit(ch)
        return False

    # ---- delimiter runs: * _ ~ ` $ ---------------------------------------------------------

    def _run_may_grow(self) -> bool:
        limit = {"*": 3, "_": 3, "~": 2, "$": 2}.get(self.run_char)
        return limit is None or self.run_len < limit

    def _resolve_run(self, nxt: str | None) -> None:
        """Decide what a held run of delimiters means, knowing the character after it."""
        char, length, run_prev = self.run_char, self.run_len, self.run_prev
        self.run_char, self.run_len = "", 0
        spaced = nxt is None or nxt in SPACES
        if char in "*_":
            self._resolve_emphasis(char, length, nxt, run_prev)
        elif char == "~":
            if length == 2 and self._top() == "strike":
                self._close()
            elif length == 2 and not spaced and len(self.stack) < MAX_INLINE_DEPTH:
                self._open("strike")
            else:
                self._emit(char * length)
        elif char == "`":
            if nxt is None:
                self._emit(char * length)
            else:
                self._open("code", str(length))
                self.code_ticks, self.code_space, self.code_fresh = 0, False, True
        elif char == "$":
            if length == 1 and nxt is not None and nxt not in _DOLLAR_STOP:
                self._open("math_inline", "$")
                self.math_escape = False
            else:
                self._emit(char * length)

    def _resolve_emphasis(self, d: str, length: int, nxt: str | None, run_prev: str | None) -> None:
        spaced = nxt is None or nxt in SPACES
        top = self.stack[-1] if self.stack else ("", "")
        parent = self.stack[-2] if len(self.stack) > 1 else ("", "")
        em, strong = (EM, d), (STRONG, d)
        if top == em:
            if length == 1:
                self._close()
            elif parent == strong:
                self._close()
                self._close()
                if length == 2 and not spaced:
                    self._open(EM, d)  # ***strong em** em*: emphasis goes on
            elif length == 2 and len(self.stack) < MAX_INLINE_DEPTH:
                self._open(STRONG, d)
            else:
                self._close()
                self._emit(d * (length - 1))
            return
        if top == strong:
            if length == 1:
                if spaced or len(self.stack) >= MAX_INLINE_DEPTH:
                    self._emit(d)
                else:
                    self._open(EM, d)
            else:
                self._close()
                if length == 3:
                    if self.stack and self.stack[-1] == em:
                        self._close()
                    else:
                        self._emit(d)
            return
        intraword = d == "_" and run_prev is not None and run_prev.isalnum()
        # 2*3 is arithmetic: opening emphasis there would italicise the rest of the paragraph.
        arithmetic = (
            run_prev is not None and run_prev.isdigit() and nxt is not None and nxt.isdigit()
        )
        if spaced or intraword or arithmetic or len(self.stack) + 2 > MAX_INLINE_DEPTH:
            self._emit(d * length)
            return
        if length >= 2:
            self._open(STRONG, d)
        if length != 2:
            self._open(EM, d)

    # ---- code spans and math ---------------------------------------------------------------

    def _flush_code_pending(self) -> None:
        pending = (" " if self.code_space else "") + "`" * self.code_ticks
        self.code_space, self.code_ticks = False, 0
        self._raw(pending)

    def _code_char(self, ch: str) -> None:
        fence = int(self.stack[-1][1])
        if ch == "`":
            self.code_ticks += 1
            if self.code_ticks == fence:
                self.code_ticks, self.code_space = 0, False
                self._close()
                self.prev = ch
            return
        if self.code_fresh and ch == " ":
            self.code_fresh = False
            return
        self.code_fresh = False
        if self.code_ticks:
            self._flush_code_pending()
        if ch == " ":
            if self.code_space:
                self._raw(" ")
            self.code_space = True
            return
        if self.code_space:
            self._raw(" ")
            self.code_space = False
        self._raw(ch)

    def _math_char(self, ch: str) -> None:
        closer = self.stack[-1][1]
        if closer == "$":
            if ch == "$":
                self._close()
                self.prev = ch
            else:
                self._raw(ch)
            return
        if self.math_escape:
            self.math_escape = False
            if ch == ")":
                self._close()
                self.prev = ch
                return
            self._raw("\\")
        if ch == "\\":
            self.math_escape = True
        else:
            self._raw(ch)

    # ---- held modes: escape, "!", link, "<", "http" -----------------------------------------

    def _mode_feed(self, ch: str) -> bool:
        mode = self.mode
        if mode == "escape":
            self.mode = ""
            if ch == "(":
                self._open("math_inline", ")")
                self.math_escape = False
            elif ch in PUNCTUATION:
                self._emit(ch)
            else:
                self._emit("\\")
                return self._feed(ch)
            return False
        if mode == "bang":
            self.mode = ""
            if ch == "[":
                self._begin_link(image=True)
                return False
            self._emit("!")
            return self._feed(ch)
        if mode == "link":
            return self._link_char(ch)
        if mode == "angle":
            return self._angle_char(ch)
        if mode == "entity":
            return self._entity_char(ch)
        return self._url_prefix_char(ch)

    def _mode_boundary(self, final: bool) -> None:
        mode, self.mode = self.mode, ""
        if mode == "escape":
            if final:
                self._emit("\\")
        elif mode == "bang":
            self._emit("!")
        elif mode == "link":
            if self.link_stage == "after":
                self._link_not_inline()
            else:
                self._link_fail()
        else:
            held, self.buf = self.buf, []
            self._replay_literal(held)

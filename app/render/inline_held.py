"""Inline constructs that are held back until complete: links, images, citations, tags, URLs.

A link cannot be shown before its URL is known: the URL policy decides whether it may be a link at
all, and brackets that turn out not to be a link must be shown as the text they are (``a[0]``).
So ``[text](url)``, ``![alt](src)``, ``[n]``, ``<...>`` and a starting ``http://`` are held, with
caps, and then either emitted whole or replayed as plain text. A bare URL is different: it is shown
as it streams and only its trailing punctuation is held, since ``.`` may still be inside it.

This is a mixin of ``InlineParser``: it shares its state and its output helpers.
"""

from __future__ import annotations

import html

ENTITY_CAP = 34  # "&" + the longest named or numeric reference + ";"
LINK_TEXT_CAP = 300
LINK_URL_CAP = 1024
ANGLE_CAP = 256
CITATION_DIGITS = 4
# Replaying held text re-reads it; each character fed earns REPLAY_EARN characters of replay, up
# to REPLAY_CREDIT_CAP banked. Without credit, held text is replayed "quietly" (brackets and "<"
# start nothing new), so nested "[[[[..." costs O(n), not O(n * cap). The credit depends only on
# the text, never on chunking, and the cap keeps one chunk from spending a long answer's savings.
REPLAY_EARN = 4
REPLAY_CREDIT_CAP = 4096
# Deeper inline nesting than this is shown as the literal delimiters: a hostile answer must not
# build a DOM deep enough to stall layout.
MAX_INLINE_DEPTH = 16

PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SPACES = frozenset(" \t")
# Held at the end of an autolink until we know the URL goes on: usually sentence punctuation.
_URL_TRAIL = frozenset(".,:;!?*_~'\")")
_URL_PREFIXES = ("http://", "https://")


class HeldConstructs:
    """Links, images, citations, angle-bracket tags and bare URLs for ``InlineParser``."""

    def _replay_literal(self, held: list[str], tail: list[str] | None = None) -> None:
        """The first held character is plain text; the rest are read again from scratch."""
        self._emit(held[0])
        self._replay(held[1:] + (tail or []))

    def _replay(self, chars: list[str]) -> None:
        """Read held characters again, quietly when the replay credit is spent."""
        quiet = self.quiet
        if self.credit >= len(chars):
            self.credit -= len(chars)
        else:
            self.quiet = True
        try:
            for ch in chars:
                self._feed(ch)
        finally:
            self.quiet = quiet

    def _begin_link(self, image: bool) -> None:
        self.mode, self.link_image, self.link_stage = "link", image, "text"
        self.link_text, self.link_depth, self.link_escape = [], 0, False
        self.buf = []

    def _link_char(self, ch: str) -> bool:
        stage = self.link_stage
        if stage == "text":
            if self.link_escape:
                self.link_escape = False
            elif ch == "\\":
                self.link_escape = True
            elif ch == "[":
                self.link_depth += 1
            elif ch == "]":
                if self.link_depth == 0:
                    self.link_stage = "after"
                    return False
                self.link_depth -= 1
            self.link_text.append(ch)
            if len(self.link_text) > LINK_TEXT_CAP:
                self.mode = ""
                self._link_fail()
            return False
        if stage == "after":
            if ch == "(":
                self.link_stage, self.buf, self.url_depth, self.link_escape = "url", [], 0, False
                return False
            self.mode = ""
            self._link_not_inline()
            return self._feed(ch)
        # stage == "url"
        if self.link_escape:
            self.link_escape = False
        elif ch == "\\":
            self.link_escape = True
        elif ch == "(":
            self.url_depth += 1
        elif ch == ")":
            if self.url_depth == 0:
                self.mode = ""
                self._link_resolve()
                return False
            self.url_depth -= 1
        self.buf.append(ch)
        if len(self.buf) > LINK_URL_CAP:
            self.mode = ""
            self._link_fail()
        return False

    def _link_held(self) -> list[str]:
        """Everything held since the bracket, as typed."""
        held = ["!"] if self.link_image else []
        held += ["[", *self.link_text]
        if self.link_stage in ("after", "url"):
            held.append("]")
        if self.link_stage == "url":
            held += ["(", *self.buf]
        return held

    def _link_fail(self) -> None:
        held = self._link_held()
        self.link_text, self.buf = [], []
        if self.link_image:
            self._emit("!")
            held = held[1:]
        self._replay_literal(held)

    def _link_not_inline(self) -> None:
        """``[text]`` not followed by ``(``: a citation marker, or just bracketed text."""
        text = "".join(self.link_text)
        number = text[1:] if text.startswith("^") else text  # [1] or footnote-style [^1]
        if (
            not self.link_image
            and number.isascii()
            and number.isdigit()
            and len(number) <= CITATION_DIGITS
        ):
            self.sink.leaf("citation", number=int(number))
            self.last_space = False
            self.prev = "]"
            return
        self._link_fail()

    def _link_resolve(self) -> None:
        target = "".join(self.buf).strip()
        url, title = _split_destination(target)
        if url is None:
            self.buf.append(")")
            self._link_fail()
            return
        text, self.link_text, self.buf = self.link_text, [], []
        if self.link_image:
            alt = _unescape("".join(text))
            self.sink.leaf("image", src=url, alt=alt, title=title)
            self.last_space = False
        else:
            saved = (self.prev, self.last_space)
            self._open("link", "", href=url, title=title)
            self.prev = None
            depth = len(self.stack)
            self._replay(text)
            self._settle(final=True)
            while len(self.stack) >= depth:
                self._close()
            self.prev, self.last_space = saved[0], False
        self.prev = ")"

    def _angle_char(self, ch: str) -> bool:
        self.buf.append(ch)
        if len(self.buf) == 2 and not (ch.isalpha() or ch in "/!?"):
            self.mode = ""
            held, self.buf = self.buf, []
            self._replay_literal(held)
            return False
        if ch == ">":
            self.mode = ""
            held, self.buf = self.buf, []
            tag = "".join(held)
            if _is_break_tag(tag):
                self.sink.leaf("break")
                self.last_space = True
            elif _is_angle_autolink(tag):
                self.sink.leaf("angle_link", url=tag[1:-1])
                self.last_space = False
            else:
                self._replay_literal(held)
            return False
        if len(self.buf) > ANGLE_CAP:
            self.mode = ""
            held, self.buf = self.buf, []
            self._replay_literal(held)
        return False

    def _entity_char(self, ch: str) -> bool:
        """``&amp;``, ``&nbsp;``, ``&#39;``: decoded into the text (a text node holds it safely)."""
        self.buf.append(ch)
        if ch == ";" and len(self.buf) > 2:
            self.mode = ""
            held, self.buf = self.buf, []
            reference = "".join(held)
            decoded = html.unescape(reference)
            if decoded != reference:
                self._emit(decoded)
                self.prev = ";"
            else:
                self._replay_literal(held)
            return False
        name_char = ch.isascii() and (ch.isalnum() or (ch == "#" and len(self.buf) == 2))
        if name_char and len(self.buf) < ENTITY_CAP:
            return False
        self.mode = ""
        held, self.buf = self.buf[:-1], []
        self._replay_literal(held, [ch])
        return False

    def _url_prefix_char(self, ch: str) -> bool:
        self.buf.append(ch)
        typed = "".join(self.buf)
        if typed in _URL_PREFIXES:
            self.mode, self.buf = "", []
            self._open("autolink")
            self.url, self.url_trail = [typed], []
            self._raw(typed)
            return False
        if any(prefix.startswith(typed) for prefix in _URL_PREFIXES):
            return False
        self.mode = ""
        held, self.buf = self.buf[:-1], []
        self._replay_literal(held, [ch])
        return False

    def _autolink_char(self, ch: str) -> bool:
        """True when the character belongs to the URL; False when the URL ended before it."""
        if ch in SPACES or ch in "<>\\" or (ch == "|" and self.in_cell):
            self._end_autolink_before_trail()
            return False
        if ch in _URL_TRAIL and not (ch == ")" and self._url_opens_paren()):
            self.url_trail.append(ch)
            return True
        if self.url_trail:
            self._raw("".join(self.url_trail))
            self.url += self.url_trail
            self.url_trail = []
        self.url.append(ch)
        self._raw(ch)
        self.prev = ch
        return True

    def _url_opens_paren(self) -> bool:
        text = "".join(self.url + self.url_trail)
        return text.count("(") > text.count(")")

    def _end_autolink_before_trail(self) -> None:
        trail, self.url_trail = self.url_trail, []
        self._close()
        self.prev = "/"
        self._replay(trail)

    def _end_autolink_href(self) -> None:
        self.sink.set_href("".join(self.url))
        self.url = []


def _unescape(text: str) -> str:
    out, escape = [], False
    for ch in text:
        if escape:
            out.append(ch if ch in PUNCTUATION else "\\" + ch)
            escape = False
        elif ch == "\\":
            escape = True
        else:
            out.append(ch)
    if escape:
        out.append("\\")
    return "".join(out)


def _split_destination(target: str) -> tuple[str | None, str]:
    """``url "title"`` -> (url, title); (None, "") when it is not a link destination."""
    title = ""
    if target.endswith(('"', "'")) and len(target) >= 2:
        quote = target[-1]
        start = target.rfind(" " + quote)
        if start == -1:
            start = target.rfind("\t" + quote)
        if start != -1:
            title = _unescape(target[start + 2 : -1])
            target = target[:start].strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if any(ch in SPACES for ch in target) or "<" in target or ">" in target:
        return None, ""
    return target, title


def _is_break_tag(tag: str) -> bool:
    inner = tag[1:-1].strip().lower()
    return inner in ("br", "br/", "br /") or (inner.startswith("br") and inner[2:].strip() == "/")


def _is_angle_autolink(tag: str) -> bool:
    inner = tag[1:-1]
    colon = inner.find(":")
    if colon < 2 or colon > 32:
        return False
    scheme = inner[:colon]
    ok_scheme = scheme[0].isalpha() and all(c.isalnum() or c in "+.-" for c in scheme)
    return ok_scheme and not any(c in inner for c in " \t<>")

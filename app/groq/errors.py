"""The GROQ error family: every failure a query author can act on carries where and why."""

from __future__ import annotations


class GroqError(Exception):
    """Base of every error raised by the GROQ engine (syntax, validation, limits, evaluation)."""


class GroqSyntaxError(GroqError):
    """A query that cannot be parsed or fails static validation.

    The message shows the line, the column and the offending line with a caret under the
    position, so a site owner can find the mistake without counting characters.
    """

    def __init__(self, reason: str, query: str, offset: int) -> None:
        self.reason = reason
        self.query = query
        self.offset = max(0, min(offset, len(query)))
        self.line, self.column, excerpt = _locate(query, self.offset)
        super().__init__(f"{reason} at line {self.line}, column {self.column}:\n{excerpt}")


class GroqLimitError(GroqError):
    """A query that exceeded the configured step budget or depth bound."""


# Characters of the offending line shown around the position: a generated query can be one line
# of thousands of characters, and an error message must stay readable.
EXCERPT_WIDTH = 76


def _locate(query: str, offset: int) -> tuple[int, int, str]:
    before = query[:offset]
    line = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    line_end = query.find("\n", offset)
    if line_end == -1:
        line_end = len(query)
    text = query[line_start:line_end]
    column = offset - line_start + 1
    return line, column, _excerpt(text, column)


def _excerpt(text: str, column: int) -> str:
    start, end = 0, len(text)
    if end > EXCERPT_WIDTH:
        start = max(0, min(column - 1 - EXCERPT_WIDTH // 2, end - EXCERPT_WIDTH))
        end = start + EXCERPT_WIDTH
    cut = "…" if start else ""
    shown = cut + text[start:end] + ("…" if end < len(text) else "")
    # Tabs stay tabs under the line, so the caret lines up however wide a terminal draws them.
    under = "".join(c if c == "\t" else " " for c in cut + text[start : column - 1])
    return f"  {shown}\n  {under}^"

"""GROQ's operator precedence, as the spec's table gives it (highest first): compound/postfix
expressions, prefix `+` and `!`, `**` (right-assoc), prefix `-`, `* / %`, `+ -`, ranges,
comparisons and `asc`/`desc`, `&&`, `||`, `=>`. Kept apart from the parser so the table reads
like the spec's."""

from __future__ import annotations

# operator -> (level, associativity) where associativity is "left" | "right" | "none"
BINARY = {
    "=>": (1, "none"),
    "||": (2, "left"),
    "&&": (3, "left"),
    "==": (4, "none"),
    "!=": (4, "none"),
    "<": (4, "none"),
    "<=": (4, "none"),
    ">": (4, "none"),
    ">=": (4, "none"),
    "in": (4, "none"),
    "match": (4, "none"),
    "..": (5, "none"),
    "...": (5, "none"),
    "+": (6, "left"),
    "-": (6, "left"),
    "*": (7, "left"),
    "/": (7, "left"),
    "%": (7, "left"),
    "**": (9, "right"),
}
POSTFIX_ORDER_LEVEL = 4
KEYWORD_OPERATORS = frozenset({"in", "match", "asc", "desc"})

"""Turns a GROQ query into tokens; the parser never looks at raw characters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import GroqSyntaxError

# Longest first: the lexer takes the longest operator that matches at a position.
OPERATORS = (
    "...", "..", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "**",
    "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "<", ">", "=", "!", "|",
    "+", "-", "*", "/", "%", "@", "^",
)  # fmt: skip
ESCAPES = {
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
HEX = frozenset("0123456789abcdefABCDEF")


@dataclass(slots=True)
class Token:
    kind: str  # "num" | "str" | "ident" | "param" | "op" | "eof"
    value: object
    pos: int
    end: int


_SKIP = re.compile(r"(?:[\t\n\x0b\x0c\r \x85\xa0]+|//[^\n]*)+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_OPERATOR = re.compile("|".join(re.escape(op) for op in OPERATORS))


def tokenize(query: str) -> list[Token]:
    """All tokens of the query, ending with an "eof" token."""
    tokens: list[Token] = []
    append = tokens.append
    n = len(query)
    i = 0
    while True:
        m = _SKIP.match(query, i)
        if m:
            i = m.end()
        if i >= n:
            append(Token("eof", None, n, n))
            return tokens
        ch = query[i]
        start = i
        if "0" <= ch <= "9":
            text = _NUMBER.match(query, i).group()  # type: ignore[union-attr]
            i += len(text)
            if "." in text or "e" in text or "E" in text:
                value: object = float(text)
            else:
                value = int(text)
            if type(value) is int and not -(2**53) <= value <= 2**53:
                value = float(value)  # GROQ numbers are IEEE doubles
            append(Token("num", value, start, i))
        elif ch == '"' or ch == "'":
            value, i = _scan_string(query, i)
            append(Token("str", value, start, i))
        elif ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
            i = _IDENT.match(query, i).end()  # type: ignore[union-attr]
            append(Token("ident", query[start:i], start, i))
        elif ch == "$":
            m = _IDENT.match(query, i + 1)
            if not m:
                raise GroqSyntaxError("expected a parameter name after '$'", query, start)
            i = m.end()
            append(Token("param", query[start + 1 : i], start, i))
        else:
            m = _OPERATOR.match(query, i)
            if not m:
                raise GroqSyntaxError(f"unexpected character {ch!r}", query, start)
            i = m.end()
            append(Token("op", m.group(), start, i))


def _scan_string(query: str, i: int) -> tuple[str, int]:
    quote = query[i]
    start = i
    i += 1
    n = len(query)
    out: list[str] = []
    while True:
        if i >= n:
            raise GroqSyntaxError("unterminated string", query, start)
        ch = query[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            raise GroqSyntaxError("unterminated string", query, start)
        esc = query[i + 1]
        if esc in ESCAPES:
            out.append(ESCAPES[esc])
            i += 2
        elif esc == "u":
            code, i = _scan_unicode_escape(query, i)
            # A UTF-16 surrogate pair written as two \\uXXXX escapes is one character.
            if (
                0xD800 <= code <= 0xDBFF
                and query.startswith("\\u", i)
                and query[i + 2 : i + 3] != "{"
            ):
                low, j = _scan_unicode_escape(query, i)
                if 0xDC00 <= low <= 0xDFFF:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i = j
            out.append(chr(code) if code < 0x110000 else "\ufffd")
        else:
            raise GroqSyntaxError(f"invalid escape sequence '\\{esc}'", query, i)


def _scan_unicode_escape(query: str, i: int) -> tuple[int, int]:
    """Reads \\uXXXX or \\u{X...} starting at the backslash; returns (code point, next index)."""
    j = i + 2
    if query[j : j + 1] == "{":
        close = query.find("}", j)
        digits = query[j + 1 : close] if close != -1 else ""
        if close == -1 or not digits or len(digits) > 6 or not set(digits) <= HEX:
            raise GroqSyntaxError("invalid \\u{...} escape", query, i)
        return int(digits, 16), close + 1
    digits = query[j : j + 4]
    if len(digits) != 4 or not set(digits) <= HEX:
        raise GroqSyntaxError("invalid \\u escape: expected four hex digits", query, i)
    return int(digits, 16), j + 4

"""GROQ's value model over plain Python JSON values, plus the few non-JSON types.

Documents stay plain dicts/lists (no wrapping per value: that is what keeps evaluation fast).
Only datetimes, paths, and the range/pair values that exist while a query runs get classes.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


class _Created:
    """Counts datetime and path values ever created: when a query created none, its result
    is plain JSON already and needs no conversion pass (see `api.evaluate`)."""

    count = 0


CREATED = _Created()


class DateTime:
    """An instant with nanosecond precision; prints as RFC 3339 in UTC with a Z suffix."""

    __slots__ = ("seconds", "nanos")

    def __init__(self, seconds: int, nanos: int = 0) -> None:
        self.seconds = seconds
        self.nanos = nanos
        CREATED.count += 1

    @classmethod
    def parse(cls, text: str) -> DateTime | None:
        m = _RFC3339.match(text)
        if not m:
            return None
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        frac, zone = m.group(7), m.group(8)
        try:
            dt = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        except ValueError:
            return None
        seconds = int((dt - EPOCH).total_seconds())
        if zone not in ("Z", "z"):
            sign = 1 if zone[0] == "+" else -1
            seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
        nanos = int((frac[1:] + "000000000")[:9]) if frac else 0
        return cls(seconds, nanos)

    def add_seconds(self, delta: float) -> DateTime:
        whole = math.floor(delta)
        nanos = self.nanos + round((delta - whole) * 1e9)
        return DateTime(self.seconds + whole + nanos // 1_000_000_000, nanos % 1_000_000_000)

    def key(self) -> tuple[int, int]:
        return (self.seconds, self.nanos)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateTime) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        dt = EPOCH + timedelta(seconds=self.seconds)
        base = dt.strftime("%Y-%m-%dT%H:%M:%S")
        if self.nanos:
            # Millisecond precision when that is exact (as Sanity prints it), more otherwise.
            frac = f"{self.nanos:09d}"
            frac = frac[:3] if frac.endswith("000000") else frac.rstrip("0")
            return f"{base}.{frac}Z"
        return f"{base}Z"

    __repr__ = __str__


class Path:
    """A path pattern (`path("a.*")`) matched against document ids with `in`."""

    __slots__ = ("text", "_regex")

    def __init__(self, text: str) -> None:
        CREATED.count += 1
        self.text = text
        parts = []
        i = 0
        while i < len(text):
            if text.startswith("**", i):
                parts.append(".*")
                i += 2
            elif text[i] == "*":
                parts.append("[^.]*")
                i += 1
            else:
                parts.append(re.escape(text[i]))
                i += 1
        self._regex = re.compile("^" + "".join(parts) + "$")

    def matches(self, value: str) -> bool:
        return self._regex.match(value) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __str__(self) -> str:
        return self.text


class RangeValue:
    __slots__ = ("left", "right", "exclusive")

    def __init__(self, left: object, right: object, exclusive: bool) -> None:
        self.left = left
        self.right = right
        self.exclusive = exclusive


def is_number(value: object) -> bool:
    t = type(value)
    return t is int or t is float


def equal(a: object, b: object) -> bool:
    """The spec's Equal(): only scalars (and datetimes) can be equal; arrays/objects never are."""
    ta, tb = type(a), type(b)
    if ta is tb:
        if ta is str or ta is int or ta is float or ta is bool or a is None:
            return a == b
        if ta is DateTime or ta is Path:
            return a == b
        return False
    if (ta is int and tb is float) or (ta is float and tb is int):
        return a == b
    return False


def partial_compare(a: object, b: object) -> int | None:
    """The spec's PartialCompare(): -1/0/1, or None when the values are not comparable."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return (a > b) - (a < b)  # type: ignore[operator]
    if ta is not tb:
        return None
    if ta is str or ta is bool:
        return (a > b) - (a < b)  # type: ignore[operator]
    if ta is DateTime:
        ka, kb = a.key(), b.key()  # type: ignore[union-attr]
        return (ka > kb) - (ka < kb)
    return None


_TYPE_RANK = {DateTime: 1, int: 2, float: 2, str: 3, bool: 4}


def sort_key(value: object) -> tuple:
    """A key realising the spec's TotalCompare(): ranked by type, then by value."""
    t = type(value)
    rank = _TYPE_RANK.get(t, 5)
    if rank == 5:
        return (5, 0)
    if t is DateTime:
        return (1, value.key())  # type: ignore[union-attr]
    return (rank, value)


def js_number(value: float | int) -> str:
    """Formats a number the way JavaScript (and so GROQ) prints it."""
    if type(value) is int:
        return str(value)
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    text = repr(value)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exp_text = text.partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    point = len(int_part) + exponent  # position of the decimal point in `digits`
    if int_part == "0":
        stripped = frac_part.lstrip("0")
        point = exponent - (len(frac_part) - len(stripped))
        digits = stripped
    digits = digits.rstrip("0") or "0"
    n = len(digits)
    if n <= point <= 21:
        return sign + digits + "0" * (point - n)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    exp = point - 1
    exp_str = f"e+{exp}" if exp >= 0 else f"e-{-exp}"
    if n == 1:
        return sign + digits + exp_str
    return sign + digits[0] + "." + digits[1:] + exp_str


def to_json(value: object) -> object:
    """The JSON-compatible result of a query (datetimes become strings)."""
    t = type(value)
    if t is list:
        return [to_json(v) for v in value]  # type: ignore[union-attr]
    if t is dict:
        return {k: to_json(v) for k, v in value.items()}  # type: ignore[union-attr]
    if t is float:
        if value != value or value in (math.inf, -math.inf):
            return None
        return value
    if t is DateTime or t is Path:
        return str(value)
    if t is RangeValue:
        return None
    return value


def normalize_number(value: float | int) -> object:
    """Arithmetic results: NaN and infinities do not exist in GROQ, they are null."""
    if type(value) is int:
        return value if -(2**53) < value < 2**53 else float(value)
    if value != value or value in (math.inf, -math.inf):
        return None
    return value

"""Which URLs from a model's answer may become a link or an image, and in what form.

The text we render comes from a model and from retrieved documents, both of which an attacker can
steer, so a URL is judged the way the *browser* would read it at its most decoded: HTML entities
decoded, percent-encoding decoded (repeatedly), and every control character and whitespace removed
(browsers drop tabs and newlines inside a scheme, so ``java\\tscript:`` is ``javascript:``). The
scheme of that decoded form, and of the form we actually emit, must both be allowed; when in doubt,
the URL is refused and its text is shown as plain text. Refusing a strange but harmless URL costs a
click; accepting a ``javascript:`` one costs the visitor.

Allowed: ``http:``, ``https:``, ``mailto:`` and same-origin relative URLs (``/a``, ``a/b``, ``./x``,
``?q``, ``#frag``). Protocol-relative URLs (``//host``, and ``/\\host`` which browsers read the same
way) leave the origin and are refused. Images load only from the same origin: a remote image is a
tracking beacon, so it is offered as a link instead.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
REMOTE_IMAGE_SCHEMES = frozenset({"http", "https"})

# Longest URL we consider; longer ones are refused rather than scanned (and shown as text).
MAX_URL_LENGTH = 2048

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 and C1 controls, DEL, and every Unicode space or invisible formatting character that a
# browser or a human reader would skip over.
_INVISIBLE = re.compile(
    "[\x00-\x20\x7f-\xa0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class ImageDecision:
    """What to do with ``![alt](url)``: load it, link to it, or show only the alt text."""

    kind: Literal["load", "link", "text"]
    url: str = ""


def _cleaned(url: str) -> str:
    """The form we emit: entities decoded, Markdown escapes removed, invisible characters gone."""
    return _INVISIBLE.sub("", html.unescape(_MD_ESCAPE.sub(r"\1", url)))


def _most_decoded(url: str) -> str:
    """The form we judge: decoded until stable, the way the most lenient reader would see it."""
    current = url
    for _ in range(4):
        decoded = _INVISIBLE.sub("", unquote(html.unescape(current)))
        if decoded == current:
            break
        current = decoded
    return current


def _scheme(url: str) -> str | None:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def _leaves_origin_without_scheme(url: str) -> bool:
    """``//host`` and ``\\\\host`` (browsers treat ``\\`` as ``/``) point at another origin."""
    return len(url) >= 2 and url[0] in "/\\" and url[1] in "/\\"


def _judge(url: str) -> tuple[str, str | None] | None:
    """(emitted form, scheme or None for relative) when both forms agree and are tolerable."""
    if len(url) > MAX_URL_LENGTH:
        return None
    emitted = _cleaned(url)
    decoded = _most_decoded(emitted)
    scheme, decoded_scheme = _scheme(emitted), _scheme(decoded)
    if scheme != decoded_scheme:
        return None
    if scheme is None and (
        _leaves_origin_without_scheme(emitted) or _leaves_origin_without_scheme(decoded)
    ):
        return None
    return emitted, scheme


def safe_link(url: str) -> str | None:
    """The href to emit for a link to ``url``, or None when it must stay plain text."""
    judged = _judge(url)
    if judged is None:
        return None
    emitted, scheme = judged
    if emitted and (scheme is None or scheme in LINK_SCHEMES):
        return emitted
    return None


def image_decision(url: str) -> ImageDecision:
    """Same-origin images load; remote http(s) images become links; anything else is alt text."""
    judged = _judge(url)
    if judged is None:
        return ImageDecision("text")
    emitted, scheme = judged
    if scheme is None:
        return ImageDecision("load", emitted) if emitted else ImageDecision("text")
    if scheme in REMOTE_IMAGE_SCHEMES:
        return ImageDecision("link", emitted)
    return ImageDecision("text")


def is_safe_href(value: str) -> bool:
    """Whether ``value``, set as an href exactly as it is, obeys the policy.

    Checks an emitted value rather than producing one: ``safe_link`` decodes entities once, as
    Markdown does, so its output is not meant to be fed to it again (``&amp;#6`` becomes the
    harmless literal ``&#6``). Here the value must contain nothing a browser would strip and
    must be allowed however leniently it is decoded.
    """
    return bool(value) and not _INVISIBLE.search(value) and safe_link(value) is not None


def is_safe_image_src(value: str) -> bool:
    """Whether ``value``, set as an img src exactly as it is, loads from our own origin only."""
    return bool(value) and not _INVISIBLE.search(value) and image_decision(value).kind == "load"

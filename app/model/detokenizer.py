"""Streaming ids -> text without ever showing half a character.

Byte-level tokens cut UTF-8 anywhere: "é" can arrive as two tokens, an emoji as four, a ZWJ family
as a dozen. Emitting per token would flash U+FFFD replacement marks (or garble a character for
good). The incremental UTF-8 decoder holds back an incomplete trailing sequence until its last byte
arrives, and replaces truly invalid bytes exactly as a one-shot decode does, so the streamed pieces
always concatenate to `tokenizer.decode(ids)`.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from .tokenizer import Tokenizer


class IncrementalDecoder:
    """Feed token ids one at a time; get back the text that became complete."""

    def __init__(self, tokenizer: Tokenizer, *, skip_special: bool = False) -> None:
        self._tokenizer = tokenizer
        self._skip = tokenizer.special_ids if skip_special else frozenset()
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self.ids: list[int] = []

    def push(self, token_id: int) -> str:
        """Text completed by this token ("" while a character is still incomplete)."""
        data = self._tokenizer.token_bytes(token_id)
        self.ids.append(token_id)
        if token_id in self._skip:
            return ""
        return self._utf8.decode(data)

    def extend(self, ids: Iterable[int]) -> str:
        """Text completed by several tokens at once."""
        return "".join([self.push(i) for i in ids])

    def flush(self) -> str:
        """The held-back tail as U+FFFD if generation ended inside a character, then reset."""
        text = self._utf8.decode(b"", final=True)
        self._utf8.reset()
        return text

    @property
    def pending(self) -> bool:
        """Whether bytes of an incomplete character are being held back."""
        return bool(self._utf8.getstate()[0])

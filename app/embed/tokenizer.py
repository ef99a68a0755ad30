"""BERT's WordPiece tokenizer in pure Python, configured by a Hugging Face tokenizer.json.

Follows the `tokenizers` pipeline exactly, because the ids feed a model trained on them:
1. added tokens ([CLS], [SEP], ...) written in the text are matched first, on the raw text;
2. BertNormalizer: drop NUL, U+FFFD and control characters, map whitespace to spaces; put
   spaces around CJK ideographs; strip accents (NFD, then drop nonspacing marks; on when
   `strip_accents` is null and `lowercase` is true); lower-case each character on its own
   (so a final capital sigma becomes σ, not ς as `str.lower()` would make it);
3. BertPreTokenizer: split on whitespace, then isolate every punctuation character (ASCII
   punctuation, which includes `$+<=>^`|~`, and Unicode categories P*);
4. WordPiece: longest match first with `##` continuations; a word longer than
   `max_input_chars_per_word` or with any unmatched piece becomes one [UNK];
5. [CLS] ... [SEP], truncated to `max_length` ids in total.

Long texts are processed in chunks cut at spaces and stop once `max_length` ids are reached:
every word and every punctuation mark yields at least one id, so the first ids never depend
on text past that point (embedding a 50 kB page costs as much as its first few paragraphs).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from .errors import EmbedError

_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B920, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
_ASCII_CLEAN = {i: None for i in range(32) if chr(i) not in "\t\n\r"} | {
    127: None,
    9: " ",
    10: " ",
    13: " ",
}
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ASCII_PUNCT_RE = re.compile(r"([!-/:-@\[-`{-~])")
_CHUNK = 2048  # characters per normalisation step of a long text
_CUT = re.compile(r"[ \n]")
_WORD_CACHE_SIZE = 50_000


def _is_cjk(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in _CJK)


def _is_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P")


class WordPieceTokenizer:
    """Text -> BERT input ids; build with `from_json(tokenizer.json bytes)`."""

    def __init__(
        self,
        vocab: dict[str, int],
        *,
        unk_token: str = "[UNK]",
        cls_token: str = "[CLS]",
        sep_token: str = "[SEP]",
        pad_token: str = "[PAD]",
        prefix: str = "##",
        max_input_chars_per_word: int = 100,
        lowercase: bool = True,
        strip_accents: bool | None = None,
        clean_text: bool = True,
        handle_chinese_chars: bool = True,
        added_tokens: Sequence[str] = (),
        max_length: int | None = 512,
    ) -> None:
        self.vocab = vocab
        self.prefix = prefix
        self.max_input_chars_per_word = max_input_chars_per_word
        self.lowercase = lowercase
        self.strip_accents = lowercase if strip_accents is None else strip_accents
        self.clean_text = clean_text
        self.handle_chinese_chars = handle_chinese_chars
        self.max_length = max_length
        try:
            self.unk_id = vocab[unk_token]
            self.cls_id = vocab[cls_token]
            self.sep_id = vocab[sep_token]
            self.pad_id = vocab[pad_token]
        except KeyError as exc:
            raise EmbedError(
                f"special token {exc} is not in the vocabulary", reason="tokenizer"
            ) from exc
        self.added = {t: vocab[t] for t in added_tokens if t in vocab}
        ordered = sorted(self.added, key=len, reverse=True)  # longest first, like tokenizers
        self._added_re = (
            re.compile("(" + "|".join(re.escape(t) for t in ordered) + ")") if ordered else None
        )
        self._punct: dict[str, bool] = {}
        self._words: dict[str, list[int]] = {}

    @classmethod
    def from_json(cls, data: bytes | str, *, max_length: int | None = 512) -> WordPieceTokenizer:
        """A tokenizer.json (Hugging Face `tokenizers` format) with a WordPiece model."""
        try:
            spec: dict[str, Any] = json.loads(data)
            model = spec["model"]
            if model.get("type") != "WordPiece":
                raise EmbedError(f"tokenizer model is {model.get('type')!r}, not WordPiece")
            norm = spec.get("normalizer") or {}
            if norm and norm.get("type") != "BertNormalizer":
                raise EmbedError(f"unsupported normalizer {norm.get('type')!r}")
            pre = spec.get("pre_tokenizer") or {}
            if pre and pre.get("type") != "BertPreTokenizer":
                raise EmbedError(f"unsupported pre-tokenizer {pre.get('type')!r}")
            added = [t["content"] for t in spec.get("added_tokens", [])]
            return cls(
                dict(model["vocab"]),
                unk_token=model.get("unk_token", "[UNK]"),
                prefix=model.get("continuing_subword_prefix", "##"),
                max_input_chars_per_word=int(model.get("max_input_chars_per_word", 100)),
                lowercase=bool(norm.get("lowercase", True)),
                strip_accents=norm.get("strip_accents"),
                clean_text=bool(norm.get("clean_text", True)),
                handle_chinese_chars=bool(norm.get("handle_chinese_chars", True)),
                added_tokens=added,
                max_length=max_length,
            )
        except EmbedError as exc:
            exc.reason = "tokenizer"
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EmbedError(f"tokenizer.json unreadable: {exc}", reason="tokenizer") from exc

    # Normalisation -----------------------------------------------------------------------

    def normalize(self, text: str) -> str:
        if text.isascii():
            if self.clean_text:
                text = text.translate(_ASCII_CLEAN)
            return text.lower() if self.lowercase else text
        if self.clean_text:
            text = "".join(self._clean_chars(text))
        if self.handle_chinese_chars:
            text = "".join(f" {c} " if _is_cjk(ord(c)) else c for c in text)
        if self.strip_accents:
            text = unicodedata.normalize("NFD", text)
            text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        if self.lowercase:
            text = text.lower() if "\u03a3" not in text else "".join(c.lower() for c in text)
        return text

    @staticmethod
    def _clean_chars(text: str) -> Iterator[str]:
        for c in text:
            if c in "\t\n\r":
                yield " "
            elif c == "\ufffd" or unicodedata.category(c)[0] == "C":
                continue  # NUL, controls, format characters, unassigned, private use
            elif c.isspace():
                yield " "
            else:
                yield c

    # Pre-tokenisation ----------------------------------------------------------------------

    def _split_punct(self, word: str) -> list[str]:
        if word.isalnum():
            return [word]
        if word.isascii():
            return [p for p in _ASCII_PUNCT_RE.split(word) if p]
        out: list[str] = []
        start = 0
        cache = self._punct
        for i, c in enumerate(word):
            punct = cache.get(c)
            if punct is None:
                punct = cache[c] = _is_punct(c)
            if punct:
                if i > start:
                    out.append(word[start:i])
                out.append(c)
                start = i + 1
        if start < len(word):
            out.append(word[start:])
        return out

    def _piece_ids(self, word: str) -> list[int]:
        cached = self._words.get(word)
        if cached is not None:
            return cached
        ids = self._wordpiece(word)
        if len(self._words) < _WORD_CACHE_SIZE:
            self._words[word] = ids
        return ids

    def _wordpiece(self, word: str) -> list[int]:
        vocab = self.vocab
        if len(word) > self.max_input_chars_per_word:
            return [self.unk_id]
        whole = vocab.get(word)
        if whole is not None:
            return [whole]
        out: list[int] = []
        start, n = 0, len(word)
        while start < n:
            end = n
            while end > start:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    out.append(found)
                    break
                end -= 1
            else:
                return [self.unk_id]
            start = end
        return out

    def _segment_ids(self, segment: str) -> Iterator[int]:
        for word in self.normalize(segment).split():
            for part in self._split_punct(word):
                yield from self._piece_ids(part)

    def _chunks(self, text: str) -> Iterator[str]:
        start = 0
        while len(text) - start > _CHUNK:
            cut = _CUT.search(text, start + _CHUNK)
            if cut is None:
                break
            yield text[start : cut.start()]
            start = cut.start()
        yield text[start:]

    def _ids(self, text: str) -> Iterator[int]:
        for chunk in self._chunks(text):
            if self._added_re is None or "[" not in chunk:
                yield from self._segment_ids(chunk)
                continue
            for i, part in enumerate(self._added_re.split(chunk)):
                if i % 2:
                    yield self.added[part]
                elif part:
                    yield from self._segment_ids(part)

    # Public --------------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[str]:
        """The word pieces of `text` (no [CLS]/[SEP], no truncation), for debugging."""
        inverse = {i: t for t, i in self.vocab.items()}
        return [inverse[i] for i in self._ids(text)]

    def encode(self, text: str, max_length: int | None = -1) -> list[int]:
        """[CLS] ids [SEP], at most `max_length` ids (-1: the tokenizer's own; None: no limit)."""
        limit = self.max_length if max_length == -1 else max_length
        if limit is not None and limit < 2:
            raise EmbedError(f"max_length {limit} leaves no room for [CLS] and [SEP]")
        body: list[int] = []
        room = None if limit is None else limit - 2
        for token in self._ids(text):
            if room is not None and len(body) >= room:
                break
            body.append(token)
        return [self.cls_id, *body, self.sep_id]

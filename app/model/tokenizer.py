"""GPT-2 byte-level BPE, read from the tokenizer file `wasm_build/tokenizer_export.py` writes.

Pure Python so it runs in Pyodide. Text becomes ids in four steps: special tokens are cut out
whole, the rest is split into pre-tokens (`pretokenize.py`), each pre-token's UTF-8 bytes start as
one token per byte, and BPE merges the adjacent pair with the best rank until none applies.
Pre-tokens repeat a lot in real text (" the", "\\n", "    "), so their ids are cached: that cache,
not the merge loop, is what makes encoding fast enough for a browser.
"""

from __future__ import annotations

import gzip
import heapq
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ModelError
from .pretokenize import SPLITS

FORMAT = "byte-bpe/1"
# Pieces longer than this use the heap-based merge (n log n) instead of rescanning all pairs
# (n^2): a 10,000-character run of one letter must not freeze the page.
_LONG_PIECE = 48
_CACHE_LIMIT = 100_000


class TokenizerError(ModelError):
    """The tokenizer file is unusable ("corrupt-file") or an id is out of range ("settings").

    The message says which field or id is at fault, so a site owner knows to rebuild the file.
    """

    def __init__(self, message: str, *, reason: str = "corrupt-file") -> None:
        super().__init__(message, reason=reason)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map, in which byte-level tokens are spelled.

    Printable Latin-1 bytes stand for themselves; the other 68 are shifted above U+00FF in byte
    order (space -> "Ġ", newline -> "Ċ").
    """
    keep = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    table = {b: chr(b) for b in keep}
    shifted = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + shifted)
            shifted += 1
    return table


class Tokenizer:
    """Byte-level BPE encoder/decoder with whole-token matching of special tokens."""

    def __init__(
        self,
        tokens: list[str],
        merges: list[int],
        *,
        added: Iterable[Mapping[str, Any]] = (),
        split: str = "gpt2",
        bos_id: int | None = None,
        eos_id: int | None = None,
        unk_id: int | None = None,
        pad_id: int | None = None,
        chat_template: str | None = None,
    ) -> None:
        if split not in SPLITS:
            raise TokenizerError(f"unknown pre-tokenizer split {split!r}; known: {sorted(SPLITS)}")
        self.tokens = tokens
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.split = split
        self._split = SPLITS[split]
        self.bos_id, self.eos_id, self.unk_id, self.pad_id = bos_id, eos_id, unk_id, pad_id
        self.chat_template = chat_template
        self._n = n = len(tokens)

        byte_char = bytes_to_unicode()
        # SmolLM's vocabulary lacks a few bytes (some C0 controls, lead bytes of unassigned planes).
        # The reference has no unknown token and silently drops them; so do we (id -1 = drop).
        self._byte_ids = [self.vocab.get(byte_char[b], -1) for b in range(256)]
        self.missing_bytes = bytes(b for b in range(256) if self._byte_ids[b] < 0)

        self._merges = _rank_merges(tokens, self.vocab, merges)
        self.added, self.special_ids = _added_tokens(added, n)
        # Longest first: the alternation then finds the leftmost-longest match, as the reference's
        # Aho-Corasick matcher does when one special token is a prefix of another.
        names = sorted(self.added, key=len, reverse=True)
        self._added_re = re.compile("|".join(map(re.escape, names))) if names else None

        # Byte-level spelling -> Latin-1 characters of the same byte values -> bytes.
        to_latin1 = {ord(c): b for b, c in byte_char.items()}
        added_ids = {tid: content for content, tid in self.added.items()}
        self._token_bytes = [
            added_ids[i].encode("utf-8") if i in added_ids else _unbyte(t, to_latin1)
            for i, t in enumerate(tokens)
        ]
        self._cache: dict[str, list[int]] = {}

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tokenizer:
        """Build from the decoded tokenizer file (what `json.loads` gives)."""
        if data.get("format") != FORMAT:
            raise TokenizerError(
                f"tokenizer file format is {data.get('format')!r}, expected {FORMAT!r}: "
                "rebuild it with `python -m wasm_build`"
            )
        if data.get("model") != "gpt2":
            raise TokenizerError(f"tokenizer model {data.get('model')!r} is not byte-level BPE")
        try:
            return cls(
                list(data["tokens"]),
                list(data["merges"]),
                added=data.get("added", ()),
                split=data.get("split", "gpt2"),
                bos_id=data.get("bos_id"),
                eos_id=data.get("eos_id"),
                unk_id=data.get("unk_id"),
                pad_id=data.get("pad_id"),
                chat_template=data.get("chat_template"),
            )
        except KeyError as exc:
            raise TokenizerError(f"tokenizer file has no {exc.args[0]!r} field") from exc

    @classmethod
    def from_bytes(cls, raw: bytes) -> Tokenizer:
        """Build from the file's bytes, gzipped or not (in the browser they come from fetch)."""
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TokenizerError(f"tokenizer file is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise TokenizerError("tokenizer file must hold a JSON object")
        return cls.from_dict(data)

    @classmethod
    def from_file(cls, path: str | Path) -> Tokenizer:
        """Build from a tokenizer file on disk (`.json` or `.json.gz`)."""
        return cls.from_bytes(Path(path).read_bytes())

    # -- ids -------------------------------------------------------------------------------------

    @property
    def vocab_size(self) -> int:
        return self._n

    def token_bytes(self, tid: int) -> bytes:
        """The raw bytes a token stands for (may be part of a UTF-8 character)."""
        self._check_id(tid)
        return self._token_bytes[tid]

    def _check_id_value(self, tid: object) -> None:
        if not isinstance(tid, int) or isinstance(tid, bool):
            raise TokenizerError(f"token ids must be integers, got {tid!r}", reason="settings")
        self._check_id(tid)

    def _check_id(self, tid: int) -> None:
        if not 0 <= tid < self._n:
            raise TokenizerError(
                f"token id {tid} is outside the vocabulary (0..{self._n - 1})", reason="settings"
            )

    # -- encoding --------------------------------------------------------------------------------

    def encode(self, text: str, *, allow_special: bool = True) -> list[int]:
        """Token ids of `text`.

        With `allow_special` (the reference's default) an added token's text such as
        "<|im_end|>" becomes its id; without it, that text is tokenized like any other, which is
        what untrusted content (a visitor's question, a page's text) must get.
        """
        ids: list[int] = []
        if allow_special and self._added_re is not None:
            start = 0
            for m in self._added_re.finditer(text):
                if m.start() > start:
                    self._encode_text(text[start : m.start()], ids)
                ids.append(self.added[m.group()])
                start = m.end()
            if start < len(text):
                self._encode_text(text[start:], ids)
        else:
            self._encode_text(text, ids)
        return ids

    def _encode_text(self, text: str, out: list[int]) -> None:
        cache = self._cache
        for piece in self._split(text):
            cached = cache.get(piece)
            if cached is None:
                cached = self._encode_piece(piece)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[piece] = cached
            out.extend(cached)

    def _encode_piece(self, piece: str) -> list[int]:
        try:
            raw = piece.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates (possible in strings from JavaScript) become U+FFFD, as the browser's
            # TextEncoder does; the reference cannot even represent them.
            raw = piece.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()
        byte_ids = self._byte_ids
        ids = [byte_ids[b] for b in raw]
        if self.missing_bytes and -1 in ids:
            ids = [i for i in ids if i >= 0]
        if len(ids) > _LONG_PIECE:
            return self._merge_long(ids)
        return self._merge_short(ids)

    def _merge_short(self, ids: list[int]) -> list[int]:
        """Merge the best-ranked adjacent pair (leftmost on ties) until no pair has a merge.

        One merge per scan is what the reference does (it keeps a heap of (rank, position)); the
        common shortcut of merging every occurrence per scan can differ when merges are not ranked
        consistently, so it is not taken.
        """
        merges, n = self._merges, self._n
        while len(ids) > 1:
            best, at = -1, 0
            for i in range(len(ids) - 1):
                value = merges.get(ids[i] * n + ids[i + 1])
                if value is not None and (best < 0 or value < best):
                    best, at = value, i
            if best < 0:
                break
            ids[at : at + 2] = (best % n,)
        return ids

    def _merge_long(self, ids: list[int]) -> list[int]:
        """The same merges as `_merge_short`, with a heap of candidate pairs and a linked list.

        Ties between equal pairs go to the leftmost (heap order is (rank, position)), which is the
        order the left-to-right pass produces; stale heap entries are skipped when popped.
        """
        merges, n = self._merges, self._n
        size = len(ids)
        sym = ids[:]
        nxt = list(range(1, size + 1))
        prv = list(range(-1, size - 1))
        alive = [True] * size
        heap = [
            (v, i)
            for i in range(size - 1)
            if (v := merges.get(sym[i] * n + sym[i + 1])) is not None
        ]
        heapq.heapify(heap)
        while heap:
            value, i = heapq.heappop(heap)
            j = nxt[i]
            if not alive[i] or j >= size or merges.get(sym[i] * n + sym[j]) != value:
                continue
            sym[i] = value % n
            alive[j] = False
            nxt[i] = k = nxt[j]
            if k < size:
                prv[k] = i
                v = merges.get(sym[i] * n + sym[k])
                if v is not None:
                    heapq.heappush(heap, (v, i))
            p = prv[i]
            if p >= 0:
                v = merges.get(sym[p] * n + sym[i])
                if v is not None:
                    heapq.heappush(heap, (v, p))
        return [s for s, keep in zip(sym, alive, strict=True) if keep]

    # -- decoding --------------------------------------------------------------------------------

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        """The bytes the ids stand for, special tokens included as their text."""
        table, n = self._token_bytes, self._n
        parts = []
        for i in ids:
            if type(i) is not int or not 0 <= i < n:  # bools and floats are errors too
                self._check_id_value(i)
            parts.append(table[i])
        return b"".join(parts)

    def decode(self, ids: Iterable[int], *, skip_special: bool = False) -> str:
        """Text of the ids; invalid UTF-8 (a cut-off character) shows as U+FFFD."""
        if skip_special:
            ids = [i for i in ids if i not in self.special_ids]
        return self.decode_bytes(ids).decode("utf-8", "replace")


def _rank_merges(tokens: list[str], vocab: Mapping[str, int], merges: list[int]) -> dict[int, int]:
    """Pair key left*n+right -> rank*n+merged_id.

    One integer per pair keeps lookups cheap in Pyodide; the smallest value is the best-ranked
    merge, and its merged id comes out with one modulo.
    """
    if len(merges) % 2:
        raise TokenizerError("merges must be a flat list of [left, right] id pairs")
    n = len(tokens)
    ranked: dict[int, int] = {}
    for rank in range(len(merges) // 2):
        left, right = merges[2 * rank], merges[2 * rank + 1]
        if not (0 <= left < n and 0 <= right < n):
            raise TokenizerError(f"merge #{rank} refers to an id outside the vocabulary")
        merged = vocab.get(tokens[left] + tokens[right])
        if merged is None:
            raise TokenizerError(
                f"merge #{rank} ({tokens[left]!r} {tokens[right]!r}) makes no known token"
            )
        ranked.setdefault(left * n + right, rank * n + merged)
    return ranked


def _added_tokens(added: Iterable[Mapping[str, Any]], n: int) -> tuple[dict[str, int], set[int]]:
    """Content -> id of the tokens matched whole in text, and the ids of the special ones."""
    by_content: dict[str, int] = {}
    special: set[int] = set()
    for entry in added:
        tid, content = int(entry["id"]), str(entry["content"])
        if not 0 <= tid < n:
            raise TokenizerError(f"added token {content!r} has id {tid} outside the vocabulary")
        by_content[content] = tid
        if entry.get("special", True):
            special.add(tid)
    return by_content, special


def _unbyte(token: str, to_latin1: Mapping[int, int]) -> bytes:
    try:
        return token.translate(to_latin1).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise TokenizerError(f"token {token!r} is not in byte-level spelling") from exc

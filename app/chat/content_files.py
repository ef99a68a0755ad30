"""Where the terminal finds content: a built site's index, or an NDJSON export indexed on the
spot (the same code the build runs, so the terminal answers exactly as the page would)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from app.content import Dataset, bundle

from .settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from app.embed import SemanticIndex

INDEX_NAME = "content.idx"


def index_documents(documents: list[dict], settings: Settings) -> bytes:
    """The shipped index: documents without the omitted fields, word counts of the indexed.

    A document without a `text` string gets one: the plain text of its Portable Text fields
    (a Sanity post's `content`, say), so retrieval reads every export the same way."""
    omit = set(settings.omit)
    slim = []
    for doc in documents:
        kept = {k: v for k, v in doc.items() if k not in omit}
        if not isinstance(kept.get("text"), str):
            text = portable_text(doc)
            if text:
                kept["text"] = text
        slim.append(kept)
    return bundle.encode(slim, list(settings.fields), settings.to_json())


def portable_text(doc: dict) -> str:
    """Paragraphs of the blocks in a document's top-level Portable Text fields."""
    paragraphs = []
    for key, value in doc.items():
        if key.startswith("_") or not isinstance(value, list):
            continue
        for block in value:
            if isinstance(block, dict) and block.get("_type") == "block":
                spans = block.get("children") or []
                line = "".join(s.get("text", "") for s in spans if isinstance(s, dict))
                if line.strip():
                    paragraphs.append(line.strip())
    return "\n\n".join(paragraphs)


def find_index(dist: Path) -> Path:
    found = sorted(dist.glob(f"assets/content-*/{INDEX_NAME}"))
    if not found:
        raise FileNotFoundError(
            f"{dist} has no content index (assets/content-*/{INDEX_NAME}): run `python -m "
            "wasm_build` first, or pass --content FILE.ndjson"
        )
    return found[-1]


def load_content(path: Path, settings_file: Path | None = None) -> tuple[Dataset, Settings]:
    """A dataset and its retrieval settings from a built site (or its index file) or NDJSON."""
    given = path
    if path.is_dir():
        path = find_index(path)
    if path.suffix == ".ndjson":
        documents = read_documents(path)
        settings = load_settings(settings_file)
        dataset, _ = bundle.decode(index_documents(documents, settings), str(path))
        return dataset, settings
    if path.name.endswith((".tar.gz", ".tgz", ".tar")):
        raise ValueError(
            f"{path} is a Sanity export: import it first with `python -m wasm_build import "
            f"sanity {path} --out site.ndjson`, then pass --content site.ndjson"
        )
    try:
        dataset, stored = bundle.decode(path.read_bytes(), str(path))
    except bundle.ContentIndexError as e:
        hint = "" if given != path else f" (--content takes dist/, its {INDEX_NAME}, or NDJSON)"
        raise ValueError(f"{e}{hint}") from e
    if settings_file is not None:
        return dataset, load_settings(settings_file)
    try:
        return dataset, Settings.from_json(stored)
    except (KeyError, TypeError, ValueError) as e:
        raise SettingsError(f"{path}: the index carries no usable retrieval settings") from e


def read_documents(path: Path) -> list[dict]:
    """The documents of an NDJSON file; a line that is not one names its number and why.

    Read as bytes and decoded per line, so invalid UTF-8 is placed on its line too."""
    documents = []
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as e:
                raise ValueError(f"{path}:{number}: not UTF-8 text ({e.reason})") from e
            except ValueError as e:
                raise ValueError(f"{path}:{number}: not a JSON document ({e})") from e
            except RecursionError as e:
                raise ValueError(f"{path}:{number}: JSON nested too deeply") from e
            if not isinstance(doc, dict):
                raise ValueError(
                    f"{path}:{number}: expected a JSON object (a document), got "
                    f"{type(doc).__name__}"
                )
            documents.append(doc)
    if not documents:
        raise ValueError(f"{path}: holds no documents")
    return documents


def load_semantic(dist: Path) -> SemanticIndex | None:
    """The built site's passage vectors with a CPython embedder for questions (the int8 model
    the browser runs), or None when the site ranks by keywords only or is not a built site."""
    if not dist.is_dir():
        return None
    vectors = sorted(dist.glob("assets/passages.*.vec"))
    infos = sorted(dist.glob("assets/embed-*/embed.json"))
    if not vectors or not infos:
        return None
    from app.embed import SemanticIndex, VectorIndex
    from app.embed.session import OnnxEmbedder

    embedder = OnnxEmbedder(infos[-1].parent, threads=1)
    index = VectorIndex.from_bytes(vectors[-1].read_bytes())
    return SemanticIndex(index, embed=lambda text: embedder.embed([text])[0])

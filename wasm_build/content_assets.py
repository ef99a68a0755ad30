"""The content stage of `dist/`: the site's documents as one compact index, plus their assets.

The source is the bundled default (the Python 3.11 documentation from Debian's python3.11-doc)
or the site owner's own content given with `--content`: a `sanity dataset export` (.tar.gz,
.ndjson, or an unpacked export folder) or a folder of documentation pages (Markdown or
Sphinx HTML). Importing and indexing take tens of seconds for the default content, so the index
is cached under build/cache/ by the hash of everything it is made from.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache_dir import publish
from .hashing import file_digest, short, source_files, tree_digest
from .outputs import Output
from .paths import CACHE, ROOT
from .shell import BuildError

if TYPE_CHECKING:
    from app.chat.settings import Settings

INDEX_NAME = "content.idx"


@dataclass(frozen=True)
class ContentSource:
    """What the content is made from: None for the bundled default, else the owner's path."""

    path: Path | None = None
    settings: Path | None = None

    def describe(self) -> str:
        return "the Python 3.11 documentation (default)" if self.path is None else str(self.path)


def _input_files(source: ContentSource) -> list[Path]:
    from app.chat.settings import DEFAULT_FILE

    files = [source.settings or DEFAULT_FILE]
    files += source_files(ROOT / "wasm_build" / "importers") + source_files(
        ROOT / "app" / "content"
    )
    files += [ROOT / "app" / "groq" / "matching.py", Path(__file__)]
    files += [ROOT / "app" / "chat" / name for name in ("settings.py", "content_files.py")]
    if source.path is None:
        from .importers import ensure_python_docs

        files += source_files(ensure_python_docs())
    elif source.path.is_dir():
        files += source_files(source.path)
    else:
        files.append(source.path)
    return files


def source_digest(source: ContentSource) -> str:
    """Equal digests mean an identical index (part of the site's build stamp)."""
    if source.path is not None and not source.path.exists():
        raise BuildError(f"--content {source.path}: no such file or folder")
    files = _input_files(source)
    inside = [p for p in files if p.resolve().is_relative_to(ROOT)]
    outside = sorted(p for p in files if not p.resolve().is_relative_to(ROOT))
    # Names relative to the checkout, so two clones of one site share a digest.
    parts = [tree_digest([p.resolve() for p in inside], ROOT)]
    parts += [f"{p.name}:{file_digest(p)}" for p in outside]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _import(source: ContentSource):  # type: ignore[no-untyped-def]
    from .importers import ContentImportError, import_docs, import_python_docs
    from .importers import import_sanity_export as sanity
    from .importers.python_docs import ONLINE_BASE_URL

    try:
        if source.path is None:
            jobs = max(1, min(2, os.cpu_count() or 1))
            return import_python_docs(base_url=ONLINE_BASE_URL, jobs=jobs)[0]
        path = source.path
        if path.is_file() or (path / "data.ndjson").exists():
            return sanity(path)
        return import_docs(path)[0]
    except ContentImportError as e:
        raise BuildError(f"content import failed ({source.describe()}): {e}") from e


def content_outputs(source: ContentSource) -> tuple[list[Output], dict, dict | None]:
    """The index file and asset files of the site's content, and the boot config entries for
    the content and (when the retrieval query ranks by meaning) the embedding files."""
    from app.chat.content_files import index_documents
    from app.chat.settings import SettingsError, load_settings

    try:
        settings = load_settings(source.settings)
    except SettingsError as e:
        raise BuildError(str(e)) from e
    digest = source_digest(source)
    cached = CACHE / f"content-{short(digest)}"
    if not (cached / INDEX_NAME).exists():
        result = _import(source)

        def fill(staging: Path) -> None:
            assets = {asset.target: asset.read_bytes() for asset in result.assets}
            for target, data in assets.items():
                (staging / "files" / target).parent.mkdir(parents=True, exist_ok=True)
                (staging / "files" / target).write_bytes(data)
            (staging / "assets.json").write_text(json.dumps(sorted(assets)))
            (staging / INDEX_NAME).write_bytes(index_documents(result.documents, settings))

        publish(cached, fill, INDEX_NAME)
    index = cached / INDEX_NAME
    prefix = f"assets/content-{short(file_digest(index))}/"
    outputs = [Output(prefix + INDEX_NAME, source=index, stage="content")]
    for target in json.loads((cached / "assets.json").read_text()):
        # Referenced by the documents' own URLs (content/assets/...): images load on demand.
        outputs.append(Output(target, source=cached / "files" / target))
    embed_outputs, embed_config = _embedding(index, settings)
    return outputs + embed_outputs, {"index": prefix + INDEX_NAME}, embed_config


def _embedding(index: Path, settings: Settings) -> tuple[list[Output], dict | None]:
    """Passage vectors for a query that uses text::semanticSimilarity(), and the model that
    embeds the visitor's question: every document with a `text` gets a vector (only changed
    texts are embedded again: build/cache/ keeps vectors by the hash of their text)."""
    from app.content.bundle import decode
    from app.groq.functions.semantic import uses_semantic_similarity

    if not uses_semantic_similarity(settings.query):
        return [], None
    from .embedding import EmbedBuildError, embedding_outputs

    dataset, _ = decode(index.read_bytes(), str(index))
    try:
        return embedding_outputs(
            dataset.documents,
            keep=lambda doc: isinstance(doc.get("text"), str),
            log=lambda line: print(f"content: {line}", flush=True),
        )
    except EmbedBuildError as e:
        raise BuildError(f"embedding the content failed: {e}") from e

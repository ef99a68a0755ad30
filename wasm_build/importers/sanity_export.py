"""Import what `sanity dataset export` writes, so a site owner's own content feeds the assistant.

An export is a `.tar.gz` holding `<root>/data.ndjson` (one document per line), `assets.json`
(asset metadata keyed by `<kind>-<sha1 of the file>`) and the asset files under `images/` and
`files/`. In `data.ndjson` every asset reference is replaced by a placeholder,
`{"_sanityAsset": "image@file://./images/<name>", ...}`, and the asset documents themselves are
absent. This importer undoes that: it rebuilds the `sanity.imageAsset` / `sanity.fileAsset`
documents the references point at, turns each placeholder back into `asset: {_ref}`, and lists the
files to bundle under `content/assets/` with the asset documents' `url`/`path` rewritten to that
bundled relative URL, so images keep working with no network.

Documents holding credentials (preview URL secrets, access groups) are left out: the site is
public. Drafts (`drafts.*`) and release versions (`versions.*`) are kept as documents: hiding
them is the GROQ engine's job (the published perspective), not the importer's.

A bare `.ndjson` (or an unpacked export folder) is accepted too; asset documents it already
contains are bundled when their file sits next to it in `images/` or `files/`.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import ContentImportError
from .output import ASSET_URL_PREFIX, BundledAsset, ImportResult

ASSET_KINDS = {"image": "sanity.imageAsset", "file": "sanity.fileAsset"}
_ASSET_FOLDERS = {"image": "images", "file": "files"}
_IMAGE_NAME = re.compile(r"^(?P<hash>[0-9a-f]{6,64})-(?P<dims>\d+x\d+)\.(?P<ext>[A-Za-z0-9]+)$")
_FILE_NAME = re.compile(r"^(?P<hash>[0-9a-f]{6,64})\.(?P<ext>[A-Za-z0-9]+)$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Documents that hold credentials (Presentation preview secrets, access groups): a static site
# is public, so they are never shipped.
PRIVATE_TYPES = frozenset(
    {"sanity.previewUrlSecret", "sanity.previewUrlShareAccess", "system.group"}
)
# Python's JSON reader and the walks below recurse once per level; Sanity documents are a few
# levels deep, so a thousand-deep value is a broken or hostile file, said as such.
_TOO_DEEP = "a value is nested too deeply (hundreds of levels of arrays or objects)"


@dataclass
class _ExportContents:
    """The parts of an export, wherever they came from (tarball, folder or bare NDJSON)."""

    label: str  # how error messages name data.ndjson
    ndjson: bytes
    assets_meta: dict[str, dict] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # "images/x.png" -> bytes
    file_paths: dict[str, Path] = field(default_factory=dict)  # same, for files on disk

    def asset_bytes(self, relative: str) -> bytes | None:
        if relative in self.files:
            return self.files[relative]
        path = self.file_paths.get(relative)
        return path.read_bytes() if path is not None else None

    def has_asset(self, relative: str) -> bool:
        return relative in self.files or relative in self.file_paths


def import_sanity_export(path: Path | str) -> ImportResult:
    """Read a Sanity export (`.tar.gz`, unpacked folder or bare `.ndjson`) into documents + assets.

    Everything is read and validated before anything is returned, so a caller that writes the
    result never writes half of a broken export.
    """
    source = Path(path)
    if not source.exists():
        raise ContentImportError("no such file or folder", file=str(source))
    try:
        if source.is_dir():
            contents = _read_folder(source)
        elif source.name.endswith((".tar.gz", ".tgz", ".tar")):
            contents = _read_tarball(source)
        else:
            contents = _read_folder_files(source, source.parent)
        return _assemble(contents)
    except OSError as exc:  # a folder named data.ndjson, no permission, a vanished asset file
        raise ContentImportError(
            f"cannot read it ({exc.strerror or exc})", file=str(exc.filename or source)
        ) from exc


# -- reading the three shapes of input -------------------------------------------------------


def _read_tarball(archive: Path) -> _ExportContents:
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.isfile():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        members[member.name.lstrip("./")] = handle.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ContentImportError(
            f"not a readable .tar.gz export ({exc})", file=str(archive)
        ) from exc
    candidates = sorted(
        (name for name in members if PurePosixPath(name).name == "data.ndjson"),
        key=lambda name: (name.count("/"), name),
    )
    if not candidates:
        raise ContentImportError(
            "no data.ndjson in the archive: is this a `sanity dataset export` tarball?",
            file=str(archive),
        )
    data_name = candidates[0]
    root = str(PurePosixPath(data_name).parent)
    prefix = "" if root == "." else root + "/"
    label = f"{archive.name}!/{data_name}"
    contents = _ExportContents(label=label, ndjson=members[data_name])
    if prefix + "assets.json" in members:
        contents.assets_meta = _parse_assets_json(
            members[prefix + "assets.json"], f"{archive.name}!/{prefix}assets.json"
        )
    for name, data in members.items():
        if not name.startswith(prefix):
            continue
        relative = name[len(prefix) :]
        if relative.split("/", 1)[0] in _ASSET_FOLDERS.values() and relative.count("/") == 1:
            contents.files[relative] = data
    return contents


def _read_folder(folder: Path) -> _ExportContents:
    found = sorted(folder.glob("data.ndjson")) or sorted(folder.glob("*/data.ndjson"))
    if not found:
        raise ContentImportError("no data.ndjson in this folder", file=str(folder))
    return _read_folder_files(found[0], found[0].parent)


def _read_folder_files(ndjson: Path, root: Path) -> _ExportContents:
    contents = _ExportContents(label=str(ndjson), ndjson=ndjson.read_bytes())
    meta = root / "assets.json"
    if meta.is_file():
        contents.assets_meta = _parse_assets_json(meta.read_bytes(), str(meta))
    for folder in _ASSET_FOLDERS.values():
        directory = root / folder
        if directory.is_dir():
            for item in sorted(directory.iterdir()):
                if item.is_file():
                    contents.file_paths[f"{folder}/{item.name}"] = item
    return contents


def _parse_assets_json(data: bytes, label: str) -> dict[str, dict]:
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentImportError(f"not valid JSON ({exc})", file=label) from exc
    if not isinstance(parsed, dict) or not all(isinstance(v, dict) for v in parsed.values()):
        raise ContentImportError("expected an object of asset metadata objects", file=label)
    return parsed


def parse_ndjson(data: bytes, label: str) -> list[tuple[int, dict]]:
    """Documents with their line numbers; any bad line stops the import with its position."""
    documents: list[tuple[int, dict]] = []
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ContentImportError(f"not UTF-8 ({exc.reason})", file=label, line=number) from exc
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContentImportError(
                f"not valid JSON: {exc.msg} at column {exc.colno}", file=label, line=number
            ) from exc
        except RecursionError as exc:
            raise ContentImportError(_TOO_DEEP, file=label, line=number) from exc
        if not isinstance(doc, dict):
            raise ContentImportError(
                f"expected a JSON object (a document), got {type(doc).__name__}",
                file=label,
                line=number,
            )
        for key in ("_id", "_type"):
            if not isinstance(doc.get(key), str) or not doc[key]:
                raise ContentImportError(f"document has no {key} string", file=label, line=number)
        if doc["_id"] in first_seen:
            raise ContentImportError(
                f"duplicate _id {doc['_id']!r} (first on line {first_seen[doc['_id']]})",
                file=label,
                line=number,
            )
        first_seen[doc["_id"]] = number
        documents.append((number, doc))
    return documents


# -- assets ----------------------------------------------------------------------------------


@dataclass
class _AssetIndex:
    """Asset documents to create or rewrite, and the files to bundle for them."""

    contents: _ExportContents
    documents: dict[str, dict] = field(default_factory=dict)
    bundled: dict[str, BundledAsset] = field(default_factory=dict)

    def from_placeholder(self, placeholder: str, line: int) -> str | None:
        """Asset `_id` for a `_sanityAsset` placeholder, creating its document on first sight."""
        kind, _, location = placeholder.partition("@")
        if kind not in ASSET_KINDS or not location:
            raise ContentImportError(
                f"unrecognised _sanityAsset {placeholder!r}: expected image@... or file@...",
                file=self.contents.label,
                line=line,
            )
        if not location.startswith("file://"):
            return None  # a remote URL: nothing to bundle offline; the caller warns
        relative = str(PurePosixPath(location[len("file://") :]))
        folder, _, name = relative.partition("/")
        if folder != _ASSET_FOLDERS[kind] or not _SAFE_NAME.match(name):
            raise ContentImportError(
                f"asset path {relative!r} is not a plain file in {_ASSET_FOLDERS[kind]}/",
                file=self.contents.label,
                line=line,
            )
        data = self.contents.asset_bytes(relative)
        if data is None:
            raise ContentImportError(
                f"refers to {relative}, which is not in the export",
                file=self.contents.label,
                line=line,
            )
        asset_id = _asset_id(kind, name, data)
        if asset_id not in self.documents:
            sha1 = hashlib.sha1(data).hexdigest()
            meta = self.contents.assets_meta.get(f"{kind}-{sha1}", {})
            self.documents[asset_id] = self._asset_document(kind, asset_id, name, data, meta)
        return asset_id

    def _asset_document(self, kind: str, asset_id: str, name: str, data: bytes, meta: dict) -> dict:
        target = f"{ASSET_URL_PREFIX}{_ASSET_FOLDERS[kind]}/{name}"
        self.bundled[target] = BundledAsset(target=target, data=data)
        extension = name.rsplit(".", 1)[-1].lower()
        doc: dict = {"_id": asset_id, "_type": ASSET_KINDS[kind]}
        doc.update(meta)
        doc["_id"], doc["_type"] = asset_id, ASSET_KINDS[kind]
        doc["assetId"] = asset_id.split("-", 2)[1]
        doc["extension"] = extension
        doc["mimeType"] = meta.get("mimeType") or _mime_type(name)
        doc.setdefault("size", len(data))
        doc.setdefault("originalFilename", name)
        doc["path"] = target
        doc["url"] = target
        return doc

    def bundle_existing(self, doc: dict) -> bool:
        """Point an asset document from the NDJSON at its bundled file, if the file is here."""
        kind = "image" if doc["_type"] == ASSET_KINDS["image"] else "file"
        name = PurePosixPath(str(doc.get("url") or doc.get("path") or "")).name
        relative = f"{_ASSET_FOLDERS[kind]}/{name}"
        if not name or not _SAFE_NAME.match(name) or not self.contents.has_asset(relative):
            return False
        data = self.contents.asset_bytes(relative)
        assert data is not None
        target = f"{ASSET_URL_PREFIX}{relative}"
        self.bundled[target] = BundledAsset(target=target, data=data)
        doc["path"] = target
        doc["url"] = target
        return True


def _asset_id(kind: str, name: str, data: bytes) -> str:
    """The `_id` Sanity gave the asset, recovered from its CDN file name."""
    pattern = _IMAGE_NAME if kind == "image" else _FILE_NAME
    match = pattern.match(name)
    if match is None:
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        return f"{kind}-{hashlib.sha1(data).hexdigest()}-{extension}"
    parts = [kind, match["hash"]]
    if kind == "image":
        parts.append(match["dims"])
    parts.append(match["ext"].lower())
    return "-".join(parts)


def _mime_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


# -- putting it together ---------------------------------------------------------------------


def _assemble(contents: _ExportContents) -> ImportResult:
    parsed = parse_ndjson(contents.ndjson, contents.label)
    if not parsed:
        # An assistant over no documents answers nothing; an empty file is a failed export.
        raise ContentImportError("holds no documents (is the export empty?)", file=contents.label)
    index = _AssetIndex(contents)
    result = ImportResult(documents=[])
    for line, doc in parsed:
        if doc["_type"] in PRIVATE_TYPES:
            result.warnings.append(
                f"{doc['_id']} ({doc['_type']}) holds credentials and is not shipped"
            )
            continue
        try:
            result.documents.append(_restore_assets(doc, index, line, result.warnings))
        except RecursionError as exc:
            raise ContentImportError(_TOO_DEEP, file=contents.label, line=line) from exc
    existing_ids = {doc["_id"] for doc in result.documents}
    for doc in result.documents:
        if doc["_type"] in ASSET_KINDS.values() and doc["_id"] not in index.documents:
            if not index.bundle_existing(doc):
                result.warnings.append(
                    f"asset {doc['_id']}: its file is not in the export, so it keeps its remote url"
                )
        elif doc["_id"] in index.documents:
            # The NDJSON carried the asset document too: keep its fields, point it at the bundle.
            created = index.documents.pop(doc["_id"])
            doc["url"] = doc["path"] = created["url"]
    result.documents.extend(index.documents[key] for key in sorted(index.documents))
    all_ids = existing_ids | set(index.documents)
    for doc in result.documents:
        for ref in _asset_refs(doc):
            if ref not in all_ids:
                result.warnings.append(f"{doc['_id']}: asset {ref} is not in the export")
    result.assets = [index.bundled[target] for target in sorted(index.bundled)]
    return result


def _restore_assets(value: object, index: _AssetIndex, line: int, warnings: list[str]):
    """A copy of `value` with every `_sanityAsset` placeholder turned back into `asset: {_ref}`."""
    if isinstance(value, list):
        return [_restore_assets(item, index, line, warnings) for item in value]
    if not isinstance(value, dict):
        return value
    placeholder = value.get("_sanityAsset")
    out: dict = {}
    for key, item in value.items():
        if key == "_sanityAsset" and isinstance(placeholder, str):
            asset_id = index.from_placeholder(placeholder, line)
            if asset_id is None:
                warnings.append(f"line {line}: remote asset {placeholder} is not bundled")
                out[key] = item
            else:
                out["asset"] = {"_type": "reference", "_ref": asset_id}
        else:
            out[key] = _restore_assets(item, index, line, warnings)
    return out


def _asset_refs(value: object) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("_ref")
            if isinstance(ref, str) and ref.split("-", 1)[0] in ASSET_KINDS:
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found

"""The Sanity export importer, on a real export and on small exports built here."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from tests.conftest import shared_file
from wasm_build.importers import (
    BundledAsset,
    ContentImportError,
    ImportResult,
    import_sanity_export,
    write_result,
)
from wasm_build.importers.output import encode_ndjson

EXPORT = "sanity-export/nextjs-clean-sample.tar.gz"
ROBOT = "image-b43226dda09c642eaefcec963f69c9923c7943c5-800x800-svg"
ROBOT_URL = "content/assets/images/b43226dda09c642eaefcec963f69c9923c7943c5-800x800.svg"


@pytest.fixture(scope="module")
def real():
    return import_sanity_export(shared_file(EXPORT))


def _walk(value):
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_real_export_keeps_its_content_documents(real):
    docs = real.by_id()
    posts = sorted(d["title"] for d in real.documents if d["_type"] == "post")
    assert posts == [
        "Supercharge Your Web Development with Sanity and Next.js!",
        "Why Next.js Developers Love Sanity",
        "Why Sanity Wins Over Traditional CMSes",
    ]
    assert docs["siteSettings"]["title"] == "Sanity + Next.js"
    about = docs["a14182bd-ee42-46db-a256-383fb725783a"]
    assert about["_type"] == "page" and about["slug"]["current"] == "about"
    post = docs["1b417722-89a9-40c8-a2c4-736ce2551460"]
    assert post["author"] == {"_ref": "3cbb297f-3e80-471d-a4e5-a2b92dfe8bc2", "_type": "reference"}
    first_block = post["content"][0]
    assert first_block["_type"] == "block"
    assert first_block["children"][0]["text"].startswith("Sanity and Next.js are a powerful")


def test_real_export_asset_references_resolve_to_bundled_files(real):
    docs = real.by_id()
    person = docs["3cbb297f-3e80-471d-a4e5-a2b92dfe8bc2"]
    assert person["picture"]["asset"] == {"_type": "reference", "_ref": ROBOT}
    assert person["picture"]["alt"] == "Just a silly robot"
    robot = docs[ROBOT]
    assert robot["_type"] == "sanity.imageAsset"
    assert robot["url"] == robot["path"] == ROBOT_URL
    assert robot["mimeType"] == "image/svg+xml"
    # Metadata comes from assets.json, matched by the file's sha1.
    assert robot["originalFilename"] == "sanity-orange-icon.svg"
    assert robot["metadata"]["dimensions"]["width"] == 800
    bundled = {asset.target: asset for asset in real.assets}
    assert bundled[ROBOT_URL].read_bytes().startswith(b"<svg")
    # Every reference to an asset points at an asset document, and no placeholder is left.
    ids = set(docs)
    for doc in real.documents:
        for node in _walk(doc):
            if isinstance(node, dict):
                assert "_sanityAsset" not in node
                if node.get("_ref", "").startswith("image-"):
                    assert node["_ref"] in ids
    assets = [d for d in real.documents if d["_type"] == "sanity.imageAsset"]
    assert len(assets) == len(real.assets) == 6
    for asset in assets:
        assert asset["url"] in bundled
    for target, asset in bundled.items():
        name = target.rsplit("/", 1)[-1]
        if not name.endswith(".svg"):  # Sanity names raster files by their content hash
            assert hashlib.sha1(asset.read_bytes()).hexdigest() == name.split("-")[0]


def test_real_export_does_not_ship_preview_secrets(real):
    ids = {d["_id"] for d in real.documents}
    assert "sanity-preview-url-secret.share-access" not in ids
    assert any("share-access" in warning for warning in real.warnings)


def test_written_output_is_sorted_deterministic_and_complete(real, tmp_path):
    out = tmp_path / "site" / "content.ndjson"
    write_result(real, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["_id"] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(real.documents)
    assert (out.parent / ROBOT_URL).read_bytes() == _tar_member(
        shared_file(EXPORT), "images/b43226dda09c642eaefcec963f69c9923c7943c5-800x800.svg"
    )
    again = import_sanity_export(shared_file(EXPORT))
    assert encode_ndjson(again.documents) == out.read_bytes()
    assert not list(out.parent.glob(".*.tmp"))


def _tar_member(archive: Path, suffix: str) -> bytes:
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name.endswith(suffix):
                return tar.extractfile(member).read()
    raise AssertionError(f"{suffix} not in {archive}")


# -- exports built here -----------------------------------------------------------------------

PDF = b"%PDF-1.4 tiny test file\n"
PDF_SHA1 = hashlib.sha1(PDF).hexdigest()


def _make_export(tmp_path: Path, lines: list[str], files: dict[str, bytes] | None = None) -> Path:
    archive = tmp_path / "export.tar.gz"
    members = {"data.ndjson": ("\n".join(lines) + "\n").encode(), **(files or {})}
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"my-export/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def test_drafts_versions_and_file_assets_are_kept(tmp_path):
    manual = {"_type": "file", "_sanityAsset": f"file@file://./files/{PDF_SHA1}.pdf"}
    lines = [
        json.dumps({"_id": "post-1", "_type": "post", "title": "Published"}),
        json.dumps({"_id": "drafts.post-1", "_type": "post", "title": "Draft"}),
        json.dumps({"_id": "versions.rSpring.post-1", "_type": "post", "title": "Spring"}),
        json.dumps({"_id": "manual", "_type": "doc", "attachments": [manual]}),
    ]
    meta = {f"file-{PDF_SHA1}": {"originalFilename": "manual.pdf", "size": len(PDF)}}
    archive = _make_export(
        tmp_path,
        lines,
        {f"files/{PDF_SHA1}.pdf": PDF, "assets.json": json.dumps(meta).encode()},
    )
    result = import_sanity_export(archive)
    docs = result.by_id()
    assert docs["drafts.post-1"]["title"] == "Draft"
    assert docs["versions.rSpring.post-1"]["title"] == "Spring"
    file_id = f"file-{PDF_SHA1}-pdf"
    assert docs["manual"]["attachments"][0] == {
        "_type": "file",
        "asset": {"_type": "reference", "_ref": file_id},
    }
    asset = docs[file_id]
    assert asset["_type"] == "sanity.fileAsset"
    assert asset["url"] == f"content/assets/files/{PDF_SHA1}.pdf"
    assert asset["originalFilename"] == "manual.pdf"
    assert asset["mimeType"] == "application/pdf"
    assert [a.read_bytes() for a in result.assets] == [PDF]


def test_bad_json_line_names_file_and_line(tmp_path):
    archive = _make_export(
        tmp_path,
        [
            json.dumps({"_id": "a", "_type": "post"}),
            "",
            '{"_id": "b", "_type": "post",, }',
        ],
    )
    with pytest.raises(ContentImportError) as caught:
        import_sanity_export(archive)
    error = caught.value
    assert error.line == 3
    assert "export.tar.gz!/my-export/data.ndjson:3" in str(error)
    assert "not valid JSON" in str(error)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('["not", "a", "document"]', "expected a JSON object"),
        ('{"_type": "post"}', "no _id"),
        ('{"_id": "x"}', "no _type"),
        ('{"_id": "a", "_type": "post"}', "duplicate _id 'a' (first on line 1)"),
    ],
)
def test_invalid_documents_are_refused_with_their_line(tmp_path, line, reason):
    ndjson = tmp_path / "data.ndjson"
    ndjson.write_text(json.dumps({"_id": "a", "_type": "post"}) + "\n" + line + "\n")
    with pytest.raises(ContentImportError, match=re.escape(reason)) as caught:
        import_sanity_export(ndjson)
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{ndjson}:2: ")


def test_asset_missing_from_the_export_is_an_error(tmp_path):
    placeholder = {"_type": "image", "_sanityAsset": "image@file://./images/abc123-10x10.png"}
    archive = _make_export(
        tmp_path, [json.dumps({"_id": "p", "_type": "post", "img": placeholder})]
    )
    with pytest.raises(ContentImportError, match="images/abc123-10x10.png, which is not in"):
        import_sanity_export(archive)


def test_not_an_export(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"\x1f\x8b this is not gzip")
    with pytest.raises(ContentImportError, match="not a readable"):
        import_sanity_export(broken)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(ContentImportError, match="no data.ndjson"):
        import_sanity_export(empty)


def test_bare_ndjson_bundles_asset_documents_whose_files_are_beside_it(tmp_path):
    png = b"\x89PNG fake"
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "abc-1x1.png").write_bytes(png)
    cdn = "https://cdn.sanity.io/images/proj/production"
    lines = [
        {"_id": "image-abc-1x1-png", "_type": "sanity.imageAsset", "url": f"{cdn}/abc-1x1.png"},
        {"_id": "image-def-1x1-png", "_type": "sanity.imageAsset", "url": f"{cdn}/def-1x1.png"},
        {"_id": "p", "_type": "post", "img": {"asset": {"_ref": "image-abc-1x1-png"}}},
    ]
    ndjson = tmp_path / "data.ndjson"
    ndjson.write_text("\n".join(json.dumps(line) for line in lines))
    result = import_sanity_export(ndjson)
    docs = result.by_id()
    assert docs["image-abc-1x1-png"]["url"] == "content/assets/images/abc-1x1.png"
    assert docs["image-def-1x1-png"]["url"] == f"{cdn}/def-1x1.png"
    assert any("image-def-1x1-png" in w and "remote url" in w for w in result.warnings)
    assert [a.read_bytes() for a in result.assets] == [png]


def test_remote_asset_placeholders_are_kept_with_a_warning(tmp_path):
    remote = {"_type": "image", "_sanityAsset": "image@https://cdn.example.org/a-1x1.png"}
    archive = _make_export(tmp_path, [json.dumps({"_id": "p", "_type": "post", "img": remote})])
    result = import_sanity_export(archive)
    assert result.by_id()["p"]["img"] == remote
    assert result.assets == []
    assert result.warnings == [
        "line 1: remote asset image@https://cdn.example.org/a-1x1.png is not bundled"
    ]


def test_unknown_asset_kind_is_an_error(tmp_path):
    odd = {"_type": "video", "_sanityAsset": "video@file://./videos/v.mp4"}
    archive = _make_export(tmp_path, [json.dumps({"_id": "p", "_type": "post", "v": odd})])
    with pytest.raises(ContentImportError, match="unrecognised _sanityAsset") as caught:
        import_sanity_export(archive)
    assert caught.value.line == 1


def test_written_files_are_readable_by_others(real, tmp_path):
    out = tmp_path / "content.ndjson"
    write_result(real, out)
    assert out.stat().st_mode & 0o044 == 0o044
    assert (tmp_path / ROBOT_URL).stat().st_mode & 0o044 == 0o044


def test_nothing_is_written_when_an_asset_target_escapes_the_site(tmp_path):
    result = ImportResult(
        documents=[{"_id": "a", "_type": "post"}],
        assets=[
            BundledAsset(target="content/assets/images/ok.png", data=b"ok"),
            BundledAsset(target="content/assets/../../../evil.png", data=b"x"),
        ],
    )
    site = tmp_path / "site"
    with pytest.raises(ContentImportError, match="escapes the site root"):
        write_result(result, site / "content.ndjson")
    assert not site.exists() or not any(site.rglob("*"))
    assert not (tmp_path / "evil.png").exists()


def test_unpacked_export_and_its_data_ndjson_give_the_same_documents(real, tmp_path):
    with tarfile.open(shared_file(EXPORT)) as tar:
        tar.extractall(tmp_path, filter="data")
    (root,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    for source in (tmp_path, root / "data.ndjson"):
        again = import_sanity_export(source)
        assert encode_ndjson(again.documents) == encode_ndjson(real.documents)
        assert [(a.target, a.read_bytes()) for a in again.assets] == [
            (a.target, a.read_bytes()) for a in real.assets
        ]

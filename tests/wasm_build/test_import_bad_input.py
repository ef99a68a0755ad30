"""`python -m wasm_build import` on bad input: an error naming where and why, exit 1, and no
output file written, half-written or destroyed."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from tests.conftest import shared_file
from wasm_build.importers import main

GOOD = '{"_id":"a","_type":"post","title":"Hello","text":"hello world"}\n'


def _import(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["import", *argv])
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    return code, said.err


def _sanity(tmp_path: Path, capsys, source: Path, out: Path | None = None) -> tuple[int, str]:
    out = out or tmp_path / "out" / "site.ndjson"
    return _import(capsys, "sanity", str(source), "--out", str(out))


@pytest.mark.parametrize(
    ("lines", "where", "reason"),
    [
        (GOOD + "\n" + '{"_id":"b",\n', ":3:", "not valid JSON"),
        (GOOD + "[1, 2]\n", ":2:", "expected a JSON object (a document), got list"),
        ('{"_type":"post"}\n', ":1:", "document has no _id string"),
        ('{"_id":"a"}\n', ":1:", "document has no _type string"),
        (GOOD + GOOD, ":2:", "duplicate _id 'a' (first on line 1)"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(tmp_path, capsys, lines, where, reason):
    source = tmp_path / "export.ndjson"
    source.write_text(lines)
    code, err = _sanity(tmp_path, capsys, source)
    assert code == 1
    assert f"{source}{where} {reason}" in err
    assert not (tmp_path / "out").exists()


def test_invalid_utf8_names_its_line(tmp_path, capsys):
    source = tmp_path / "export.ndjson"
    source.write_bytes(GOOD.encode() + b'{"_id":"b","_type":"t","x":"\xff"}\n')
    code, err = _sanity(tmp_path, capsys, source)
    assert code == 1
    assert f"{source}:2: not UTF-8" in err


def test_an_empty_export_is_an_error_not_an_empty_site(tmp_path, capsys):
    source = tmp_path / "export.ndjson"
    source.write_bytes(b"")
    code, err = _sanity(tmp_path, capsys, source)
    assert code == 1
    assert f"{source}: holds no documents" in err
    assert not (tmp_path / "out").exists()


def test_data_ndjson_that_is_a_folder(tmp_path, capsys):
    (tmp_path / "export" / "data.ndjson").mkdir(parents=True)
    code, err = _sanity(tmp_path, capsys, tmp_path / "export")
    assert code == 1
    assert f"{tmp_path / 'export' / 'data.ndjson'}: cannot read it (Is a directory)" in err


def test_a_cut_download_of_a_real_export(tmp_path, capsys):
    data = shared_file("sanity-export/nextjs-clean-sample.tar.gz").read_bytes()
    cut = tmp_path / "export.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    code, err = _sanity(tmp_path, capsys, cut)
    assert code == 1
    assert f"{cut}: not a readable .tar.gz export" in err


def test_a_tarball_without_data_ndjson(tmp_path, capsys):
    archive = tmp_path / "export.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("export/assets.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    code, err = _sanity(tmp_path, capsys, archive)
    assert code == 1
    assert "no data.ndjson in the archive" in err


def test_an_image_missing_from_the_export(tmp_path, capsys):
    folder = tmp_path / "export"
    folder.mkdir()
    image = {"_type": "image", "_sanityAsset": "image@file://./images/abc123-10x10.png"}
    doc = {"_id": "a", "_type": "post", "image": image}
    (folder / "data.ndjson").write_text(json.dumps(doc) + "\n")
    code, err = _sanity(tmp_path, capsys, folder)
    assert code == 1
    assert "data.ndjson:1: refers to images/abc123-10x10.png, which is not in the export" in err


def test_out_inside_a_file_says_so(tmp_path, capsys):
    source = tmp_path / "export.ndjson"
    source.write_text(GOOD)
    out = source / "site.ndjson"
    code, err = _sanity(tmp_path, capsys, source, out)
    assert code == 1
    assert f"{out}: cannot write the output: {source} is a file, not a folder" in err
    assert source.read_text() == GOOD


def test_out_that_is_a_folder_is_left_alone(tmp_path, capsys):
    source = tmp_path / "export.ndjson"
    source.write_text(GOOD)
    out = tmp_path / "site"
    (out / "keep.txt").parent.mkdir()
    (out / "keep.txt").write_text("mine")
    code, err = _sanity(tmp_path, capsys, source, out)
    assert code == 1
    assert f"{out}: cannot write the output: it is a folder" in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_bad_out_writes_no_assets_either(tmp_path, capsys):
    export = shared_file("sanity-export/nextjs-clean-sample.tar.gz")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    site = tmp_path / "site"
    out = blocker / "site.ndjson"
    code = main(["sanity", str(export), "--site-root", str(site), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "is a file, not a folder" in err
    assert not site.exists()


def test_a_failed_run_keeps_the_previous_output(tmp_path, capsys):
    out = tmp_path / "site.ndjson"
    good = tmp_path / "good.ndjson"
    good.write_text(GOOD)
    assert _sanity(tmp_path, capsys, good, out)[0] == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.ndjson"
    bad.write_text("{not json\n")
    assert _sanity(tmp_path, capsys, bad, out)[0] == 1
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.ndjson",
        "good.ndjson",
        "site.ndjson",
    ]


def test_docs_folder_without_pages(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    code, err = _import(capsys, "docs", str(tmp_path / "docs"), "--out", str(tmp_path / "o"))
    assert code == 1
    assert f"{tmp_path / 'docs'}: no .html or .md pages found" in err


def test_markdown_with_invalid_utf8(tmp_path, capsys):
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_bytes(b"# Title\n\nbad \xff bytes\n")
    code, err = _import(capsys, "docs", str(page.parent), "--out", str(tmp_path / "o"))
    assert code == 1
    assert f"{page}: not UTF-8 text (invalid start byte at byte 13)" in err


def test_an_unreadable_page_is_named(tmp_path, capsys, monkeypatch):
    """Permissions cannot be taken away from root (CI may run as root), so the OS's refusal
    is simulated at the one call that reads a page."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\ntext\n")
    secret = folder / "secret.md"
    secret.write_text("# S\n\ntext\n")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, err = _import(capsys, "docs", str(folder), "--out", str(tmp_path / "o.ndjson"))
    assert code == 1
    assert f"{secret}: cannot read it (Permission denied)" in err
    assert not (tmp_path / "o.ndjson").exists()


def test_a_symlink_loop_in_docs_ends(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "page.md").write_text("# Page\n\ntext\n")
    (folder / "loop").symlink_to(folder)
    (folder / "self.md").symlink_to(folder / "self.md")
    code, _ = _import(capsys, "docs", str(folder), "--out", str(tmp_path / "o.ndjson"))
    assert code == 0
    docs = [json.loads(line) for line in (tmp_path / "o.ndjson").read_text().splitlines()]
    assert [d["_id"] for d in docs if d["_type"] == "docPage"] == ["docPage.page"]


@pytest.mark.parametrize("depth", [800, 100_000])
def test_a_value_nested_too_deeply_is_named(tmp_path, capsys, depth):
    """Deep enough to overflow the JSON reader (100,000) or the placeholder walk (800)."""
    source = tmp_path / "export.ndjson"
    deep = "[" * depth + "]" * depth
    source.write_text(GOOD + '{"_id":"b","_type":"t","x":' + deep + "}\n")
    code, err = _sanity(tmp_path, capsys, source)
    assert code == 1
    assert f"{source}:2: a value is nested too deeply" in err

"""`python -m app.groq` on bad input: one `error:` line (plus the caret excerpt for a query)
saying where and why, exit 1, never a traceback."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app.groq.cli import main
from tests.conftest import ROOT

DOC = b'{"_id":"a","_type":"post","title":"Hello"}\n'


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "data.ndjson"
    path.write_bytes(DOC)
    return path


def test_syntax_error_shows_line_column_and_caret(dataset: Path) -> None:
    code, out, err = run(["--dataset", str(dataset), '*[_type == "post"]{\n  title,\n  body[\n}'])
    assert (code, out) == (1, "")
    assert err == "error: unexpected '}' at line 4, column 1:\n  }\n  ^\n"


def test_unknown_function_is_placed(dataset: Path) -> None:
    code, _, err = run(["--dataset", str(dataset), "count(*) + nosuch::fn(1)"])
    assert code == 1
    assert err.startswith("error: unknown function nosuch::fn() at line 1, column 12:")


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("x={bad", "--param x: value is not valid JSON"),
        ("x", "--param 'x': expected name=JSON"),
        ("=1", "--param '=1': expected name=JSON"),
    ],
)
def test_bad_parameters(dataset: Path, param: str, message: str) -> None:
    code, _, err = run(["--dataset", str(dataset), "--param", param, "$x"])
    assert code == 1
    assert err.startswith(f"error: {message}")


def test_missing_and_folder_datasets(tmp_path: Path) -> None:
    code, _, err = run(["--dataset", str(tmp_path / "nope.ndjson"), "*"])
    assert (code, err) == (
        1,
        f"error: cannot read dataset {tmp_path / 'nope.ndjson'}: No such file or directory\n",
    )
    code, _, err = run(["--dataset", str(tmp_path), "*"])
    assert (code, err) == (1, f"error: cannot read dataset {tmp_path}: Is a directory\n")


def test_a_line_that_is_not_json_is_numbered(tmp_path: Path) -> None:
    path = tmp_path / "data.ndjson"
    path.write_bytes(DOC + b"\n" + b'{"_id": \n')
    code, _, err = run(["--dataset", str(path), "*"])
    assert code == 1
    assert err.startswith(f"error: {path}, line 3: invalid JSON")


def test_invalid_utf8_is_numbered(tmp_path: Path) -> None:
    path = tmp_path / "data.ndjson"
    path.write_bytes(DOC + b'{"_id":"b","title":"\xff"}\n')
    code, _, err = run(["--dataset", str(path), "count(*)"])
    assert (code, err) == (
        1,
        f"error: {path}, line 2: not UTF-8 text (invalid start byte at byte 20)\n",
    )


def test_a_binary_file_is_not_ndjson(tmp_path: Path) -> None:
    path = tmp_path / "data.ndjson"
    path.write_bytes(gzip.compress(DOC * 50))
    code, _, err = run(["--dataset", str(path), "count(*)"])
    assert code == 1
    assert err.startswith(f"error: {path}, line 1: ")


def _export(path: Path, data: bytes) -> None:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("export/data.ndjson")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def test_a_cut_export_download(tmp_path: Path) -> None:
    whole = tmp_path / "whole.tar.gz"
    _export(whole, b"".join(b'{"_id":"d%d","text":"%d"}\n' % (i, i * 7919) for i in range(5000)))
    cut = tmp_path / "export.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    code, _, err = run(["--dataset", str(cut), "count(*)"])
    assert code == 1
    assert err.startswith(f"error: cannot read export {cut}: damaged or incomplete")


def test_invalid_utf8_inside_an_export(tmp_path: Path) -> None:
    archive = tmp_path / "export.tar.gz"
    _export(archive, DOC + b'{"_id":"\xc3"}\n')
    code, _, err = run(["--dataset", str(archive), "count(*)"])
    assert code == 1
    assert err.startswith(f"error: {archive}!/export/data.ndjson, line 2: not UTF-8 text")


def test_invalid_utf8_on_stdin_is_numbered() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.groq", "count(*)"],
        input=DOC + b"\xff\n",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1
    assert (
        done.stderr.decode()
        == "error: <stdin>, line 2: not UTF-8 text (invalid start byte at byte 0)\n"
    )
    assert done.stdout == b""


def test_json_nested_too_deeply_is_numbered(tmp_path: Path) -> None:
    path = tmp_path / "data.ndjson"
    path.write_bytes(DOC + b'{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    code, _, err = run(["--dataset", str(path), "count(*)"])
    assert (code, err) == (1, f"error: {path}, line 2: JSON nested too deeply\n")

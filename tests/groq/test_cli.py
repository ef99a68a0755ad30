"""`python -m app.groq`, tested on a real Sanity export."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app.groq.cli import main
from tests.conftest import ROOT, shared_file


@pytest.fixture(scope="module")
def export_ndjson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = shared_file("sanity-export/nextjs-clean-sample.tar.gz")
    target = tmp_path_factory.mktemp("export") / "data.ndjson"
    with tarfile.open(archive, "r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("data.ndjson"))
        source = tar.extractfile(member)
        assert source is not None
        target.write_bytes(source.read())
    return target


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_query_over_stdin(export_ndjson: Path) -> None:
    query = '*[_type == "post"] | order(title) {title, "author": author->firstName}'
    code, out, err = run([query], stdin=export_ndjson.read_text(encoding="utf-8"))
    assert code == 0 and err == ""
    posts = json.loads(out)
    assert len(posts) == 3
    assert [p["title"] for p in posts] == sorted(p["title"] for p in posts)
    assert {p["author"] for p in posts} == {"Sanity"}


def test_dataset_file_params_and_ndjson_output(export_ndjson: Path) -> None:
    code, out, _ = run(
        [
            "--dataset",
            str(export_ndjson),
            "--param",
            'type="post"',
            "--ndjson",
            "*[_type == $type]._id",
        ]
    )
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3 and all(isinstance(json.loads(line), str) for line in lines)


def test_pretty_output_and_reading_the_export_archive() -> None:
    archive = shared_file("sanity-export/nextjs-clean-sample.tar.gz")
    code, out, _ = run(["-d", str(archive), "--pretty", '{"people": count(*[_type == "person"])}'])
    assert code == 0
    assert out == '{\n  "people": 1\n}\n'


def test_syntax_error_goes_to_stderr_with_caret(export_ndjson: Path) -> None:
    code, out, err = run(["-d", str(export_ndjson), "*[_type == ]"])
    assert code == 1 and out == ""
    assert "line 1, column 12" in err
    assert err.rstrip().endswith("^")


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--param", "x=not json", "$x"], "", "--param x"),
        (["--param", "novalue", "1"], "", "expected name=JSON"),
        (["*"], '{"_id": "a"}\n{broken\n', "<stdin>, line 2"),
        (["-d", "/nonexistent/data.ndjson", "*"], "", "cannot read dataset"),
    ],
)
def test_input_errors_exit_1(argv: list[str], stdin: str, message: str) -> None:
    code, _, err = run(argv, stdin)
    assert code == 1
    assert message in err


def test_module_entry_point(export_ndjson: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app.groq", "count(*)"],
        input=export_ndjson.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    expected = sum(
        1 for line in export_ndjson.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    assert json.loads(proc.stdout) == expected


def test_perspective_option() -> None:
    docs = '{"_id": "a", "v": 1}\n{"_id": "drafts.a", "v": 2}\n'
    assert run(["*._id"], docs)[1] == '["a", "drafts.a"]\n'
    assert run(["--perspective", "published", "*._id"], docs)[1] == '["a"]\n'
    assert run(["--perspective", "drafts", "*.v"], docs)[1] == "[2]\n"

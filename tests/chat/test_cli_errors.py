"""`python -m app.chat` on bad input: what is wrong and where (and, when the model cannot
load, what still works), a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from app.chat.__main__ import main
from tests.chat.conftest import DOCS


def _chat(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    said = capsys.readouterr()
    return code, said.out, said.err


def _ask(capsys, content: Path, question: str = "read a file") -> tuple[int, str, str]:
    return _chat(capsys, "--content", str(content), "--retrieve-only", question)


def test_missing_content(tmp_path, capsys):
    code, out, err = _ask(capsys, tmp_path / "nope.ndjson")
    assert (code, out) == (1, "")
    assert err == f"cannot load content: {tmp_path / 'nope.ndjson'}: No such file or directory\n"


def test_a_line_that_is_not_a_document(tmp_path, capsys):
    path = tmp_path / "site.ndjson"
    path.write_text(json.dumps(DOCS[0]) + "\n[1, 2]\n")
    code, _, err = _ask(capsys, path)
    assert code == 1
    assert err == (
        f"cannot load content: {path}:2: expected a JSON object (a document), got list\n"
    )


def test_invalid_json_is_numbered(tmp_path, capsys):
    path = tmp_path / "site.ndjson"
    path.write_text(json.dumps(DOCS[0]) + '\n\n{"_id": \n')
    code, _, err = _ask(capsys, path)
    assert code == 1
    assert err.startswith(f"cannot load content: {path}:3: not a JSON document")


def test_invalid_utf8_is_numbered(tmp_path, capsys):
    path = tmp_path / "site.ndjson"
    path.write_bytes(json.dumps(DOCS[0]).encode() + b'\n{"_id":"x","text":"\xff"}\n')
    code, _, err = _ask(capsys, path)
    assert code == 1
    assert err == f"cannot load content: {path}:2: not UTF-8 text (invalid start byte)\n"


def test_an_empty_export(tmp_path, capsys):
    path = tmp_path / "site.ndjson"
    path.write_text("\n")
    code, _, err = _ask(capsys, path)
    assert (code, err) == (1, f"cannot load content: {path}: holds no documents\n")


def test_a_sanity_tarball_says_how_to_import_it(tmp_path, capsys):
    archive = tmp_path / "export.tar.gz"
    with tarfile.open(archive, "w:gz"):
        pass
    code, _, err = _ask(capsys, archive)
    assert code == 1
    assert f"{archive} is a Sanity export: import it first" in err
    assert f"python -m wasm_build import sanity {archive} --out site.ndjson" in err


def test_a_file_that_is_not_a_content_index(tmp_path, capsys):
    path = tmp_path / "content.idx"
    path.write_text("hello\n")
    code, _, err = _ask(capsys, path)
    assert code == 1
    assert f"{path} is not a content index" in err
    assert "--content takes dist/, its content.idx, or NDJSON" in err


def test_a_folder_that_is_not_a_built_site(tmp_path, capsys):
    code, _, err = _ask(capsys, tmp_path)
    assert code == 1
    assert "has no content index" in err and "run `python -m wasm_build` first" in err


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_is_a_usage_error(export, capsys, question):
    with pytest.raises(SystemExit) as exit_:
        main(["--content", str(export), "--retrieve-only", question])
    assert exit_.value.code == 2
    assert "QUESTION is empty" in capsys.readouterr().err


def test_no_matching_sources_is_said(export, capsys):
    code, out, err = _ask(capsys, export, "zzzqqq")
    assert (code, out) == (0, "")
    assert err == "no sources matched the question\n"


def test_groq_syntax_error_carries_the_caret(export, capsys):
    code, _, err = _chat(capsys, "--content", str(export), "/groq *[_type ==")
    assert code == 1
    assert "at line 1, column" in err and "^" in err


def test_without_model_files_says_retrieval_still_works(export, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("APP_MODEL_DIR", str(tmp_path / "no-model"))
    code, _, err = _chat(capsys, "--content", str(export), "read a file")
    assert code == 1
    assert err.startswith("the model cannot load: ")
    assert "tokenizer.json" in err
    assert "retrieval still works: add --retrieve-only" in err


def test_json_nested_too_deeply_is_numbered(tmp_path, capsys):
    path = tmp_path / "site.ndjson"
    path.write_text(json.dumps(DOCS[0]) + '\n{"x":' + "[" * 100_000 + "]" * 100_000 + "}\n")
    code, _, err = _ask(capsys, path)
    assert (code, err) == (1, f"cannot load content: {path}:2: JSON nested too deeply\n")

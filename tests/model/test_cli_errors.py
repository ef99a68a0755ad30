"""`python -m app.model` on bad input and without model files: a message naming the file or
option, exit 1 (2 for usage), never a traceback or a silent empty answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model.__main__ import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    return code, said.err


def _usage(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("command", ["tokenize", "generate"])
def test_an_empty_model_folder_names_the_missing_file(tmp_path, capsys, command):
    code, err = _run(capsys, "--model-dir", str(tmp_path), command, "hello")
    assert (code, err) == (1, f"error: tokenizer file missing: {tmp_path / 'tokenizer.json'}\n")


def test_a_folder_in_place_of_the_tokenizer(tmp_path, capsys):
    (tmp_path / "tokenizer.json").mkdir()
    code, err = _run(capsys, "--model-dir", str(tmp_path), "tokenize", "hello")
    assert code == 1
    assert err.startswith(f"error: tokenizer file missing: {tmp_path / 'tokenizer.json'}")


@pytest.mark.parametrize(("content", "says"), [(b"{bad", "not valid JSON"), (b"{}", "format")])
def test_a_broken_tokenizer_file(tmp_path: Path, capsys, content: bytes, says: str):
    (tmp_path / "tokenizer.json").write_bytes(content)
    code, err = _run(capsys, "--model-dir", str(tmp_path), "tokenize", "hello")
    assert code == 1
    assert err.startswith("error: tokenizer file ") and says in err


@pytest.mark.parametrize(("value", "says"), [("0", "0 is not at least 1"), ("x", "'x' is not")])
def test_max_tokens_below_one_is_refused(tmp_path, capsys, value, says):
    err = _usage(capsys, "--model-dir", str(tmp_path), "generate", "--max-tokens", value, "hi")
    assert f"argument --max-tokens: {says}" in err


@pytest.mark.parametrize("question", ["", "  "])
def test_an_empty_question_is_refused(tmp_path, capsys, question):
    err = _usage(capsys, "--model-dir", str(tmp_path), "generate", question)
    assert "QUESTION is empty" in err

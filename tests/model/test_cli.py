"""`python -m app.model tokenize|generate` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.model.generate import GenerateOptions, generate
from tests.conftest import ROOT
from tests.model.prompts import prompt_ids

QUESTION = "What is the capital of France?"


def run_cli(model_dir, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "APP_MODEL_DIR": str(model_dir)}
    return subprocess.run(
        [sys.executable, "-m", "app.model", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_tokenize_prints_ids(model_dir, tokenizer):
    text = "Héllo wörld <|im_end|> 12345"
    plain = run_cli(model_dir, "tokenize", text)
    as_json = run_cli(model_dir, "tokenize", "--json", "-", stdin=text)
    assert plain.returncode == 0 and as_json.returncode == 0, plain.stderr + as_json.stderr
    expected = tokenizer.encode(text)
    assert plain.stdout.split() == [str(i) for i in expected]
    assert json.loads(as_json.stdout) == expected


def test_generate_streams_and_ends_with_json(model_dir, tokenizer, fresh_backend):
    done = run_cli(model_dir, "generate", "--greedy", "--max-tokens", "12", "--json", QUESTION)
    assert done.returncode == 0, done.stderr
    *text_lines, last = done.stdout.rstrip("\n").split("\n")
    record = json.loads(last)
    ids = prompt_ids(tokenizer, [{"role": "user", "content": QUESTION}])
    expected = generate(fresh_backend, tokenizer, ids, GenerateOptions(max_tokens=12)).run()
    assert record == {"prompt_ids": ids, "ids": expected.ids, "text": expected.text}
    assert "\n".join(text_lines) == expected.text


def test_bare_question_and_system_prompt(model_dir, tokenizer):
    done = run_cli(
        model_dir, "--json", "--greedy", "--max-tokens", "3", "--system", "Be terse.", QUESTION
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.rstrip("\n").split("\n")[-1])
    messages = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": QUESTION}]
    assert record["prompt_ids"] == prompt_ids(tokenizer, messages)
    assert len(record["ids"]) <= 3


def test_missing_model_dir_is_a_clear_error(tmp_path):
    done = run_cli(tmp_path, "generate", "--greedy", "hello")
    assert done.returncode == 1
    assert "missing" in done.stderr and str(tmp_path) in done.stderr

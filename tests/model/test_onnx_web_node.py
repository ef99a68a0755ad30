"""app/model/onnx_web.py for real: Pyodide in Node driving onnxruntime-web's WASM backend over the
converted model must produce the CPython backend's greedy ids (the browser e2e test does the
same in Chromium through the worker)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from app.model.generate import Decoder, GenerateOptions, generate
from app.model.sampler import SamplerConfig
from tests.conftest import ROOT
from tests.model.prompts import QUESTIONS, prompt_ids

SCRIPT = ROOT / "tests" / "model" / "node" / "onnx_web_smoke.mjs"
TOKENS = 16


def test_pyodide_onnxruntime_web_matches_cpython(model_dir, tokenizer, fresh_backend):
    node = shutil.which("node")
    modules = ROOT / "node_modules"
    if (
        node is None
        or not (modules / "onnxruntime-web").exists()
        or not (modules / "pyodide").exists()
    ):
        pytest.skip("needs node and `npm ci` (node_modules/onnxruntime-web and pyodide)")
    ids = prompt_ids(tokenizer, QUESTIONS[1])
    options = GenerateOptions(max_tokens=TOKENS, stop_ids=frozenset())
    decoder = Decoder(fresh_backend, tokenizer)
    expected = decoder.generate(ids, options).run()
    follow = decoder.generate([*ids, *expected.ids[:3], 2, 198], options).run()
    penalized = GenerateOptions(
        max_tokens=TOKENS, stop_ids=frozenset(), sampler=SamplerConfig(repetition_penalty=2.0)
    )
    fresh_backend.reset()
    again = generate(fresh_backend, tokenizer, ids, penalized).run()
    assert again.ids != expected.ids  # the penalty changes the answer, so the check has teeth
    done = subprocess.run(
        [node, str(SCRIPT), str(ROOT), str(model_dir), json.dumps(ids), str(TOKENS)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["ids"] == expected.ids
    assert record["follow_ids"] == follow.ids
    assert record["penalized_ids"] == again.ids

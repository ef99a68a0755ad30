"""The tokenizer, chat template and detokenizer give the reference's results inside Pyodide.

The browser runs Python 3.14 compiled to WebAssembly with a newer Unicode database than the CPython
running the other tests; this runs the same modules under the project's own Pyodide (the npm package
`wasm_build` ships) in Node, and compares with the reference in CPython.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.model.tokenizer_support import (
    corpus_text,
    our_tokenizer,
    reference_ids,
    reference_tokenizer,
    tokenizer_data,
)

PYODIDE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"
MODULES = ("tokenizer.py", "pretokenize.py", "chat_template.py", "detokenizer.py", "errors.py")

# Runs in Pyodide: encode the corpus (whole, per line), render and encode a conversation, stream
# the whole corpus through the incremental decoder, and time a cold and a warm encode.
PY_CODE = r"""
import json, sys, time, unicodedata
sys.path.insert(0, "/w")
from app.model.tokenizer import Tokenizer
from app.model.chat_template import ChatTemplate
from app.model.detokenizer import IncrementalDecoder

raw = open("/w/tokenizer.json", "rb").read()
t0 = time.perf_counter()
tok = Tokenizer.from_bytes(raw)
t1 = time.perf_counter()
with open("/w/corpus.txt", encoding="utf-8", newline="") as f:
    text = f.read()
t2 = time.perf_counter()
whole = tok.encode(text)
t3 = time.perf_counter()
tok.encode(text)
t4 = time.perf_counter()
messages = json.load(open("/w/messages.json"))
template = ChatTemplate.from_tokenizer(tok)
decoder = IncrementalDecoder(tok)
pieces = [decoder.push(i) for i in whole] + [decoder.flush()]
json.dumps({
    "python": sys.version.split()[0],
    "unicode": unicodedata.unidata_version,
    "whole": whole,
    "lines": [tok.encode(line) for line in text.splitlines(keepends=True)],
    "prompt": template.render(messages, add_generation_prompt=True),
    "prompt_ids": template.encode(tok, messages, add_generation_prompt=True),
    "streamed": "".join(pieces),
    "partial_pieces": sum("\ufffd" in p for p in pieces),
    "load_s": t1 - t0,
    "cold_tokens_per_s": len(whole) / (t3 - t2),
    "warm_tokens_per_s": len(whole) / (t4 - t3),
})
"""

NODE_SCRIPT = """
import { loadPyodide } from %(pyodide)s;
import fs from "fs";
const dir = process.argv[2];
const py = await loadPyodide();
py.FS.mkdirTree("/w/app/model");
py.FS.writeFile("/w/app/__init__.py", "");
py.FS.writeFile("/w/app/model/__init__.py", "");
for (const name of fs.readdirSync(dir + "/model")) {
  py.FS.writeFile("/w/app/model/" + name, fs.readFileSync(dir + "/model/" + name));
}
for (const name of ["tokenizer.json", "corpus.txt", "messages.json"]) {
  py.FS.writeFile("/w/" + name, fs.readFileSync(dir + "/" + name));
}
const code = fs.readFileSync(dir + "/run.py", "utf8");
fs.writeFileSync(dir + "/result.json", await py.runPythonAsync(code));
"""

MESSAGES = [
    {"role": "user", "content": "Where is   2024's  report? ½ 😀 <|im_end|>"},
    {"role": "assistant", "content": "In `docs/`."},
    {"role": "user", "content": "Danke schön — 谢谢!"},
]


@pytest.fixture(scope="module")
def pyodide_result(tmp_path_factory) -> dict:
    node = shutil.which("node")
    if node is None or not PYODIDE.exists():
        pytest.skip(f"needs node and the npm pyodide package at {PYODIDE} (`npm ci`)")
    work: Path = tmp_path_factory.mktemp("pyodide-tokenizer")
    (work / "model").mkdir()
    for name in MODULES:
        shutil.copy(ROOT / "app" / "model" / name, work / "model" / name)
    (work / "tokenizer.json").write_text(json.dumps(tokenizer_data()), encoding="utf-8")
    (work / "corpus.txt").write_bytes(corpus_text().encode("utf-8"))
    (work / "messages.json").write_text(json.dumps(MESSAGES), encoding="utf-8")
    (work / "run.py").write_text(PY_CODE, encoding="utf-8")
    script = work / "run.mjs"
    script.write_text(NODE_SCRIPT % {"pyodide": json.dumps(PYODIDE.as_uri())}, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(work)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((work / "result.json").read_text(encoding="utf-8"))


def test_runs_on_pyodides_python(pyodide_result: dict) -> None:
    assert pyodide_result["python"].startswith("3.")
    assert pyodide_result["cold_tokens_per_s"] > 0


def test_corpus_ids_in_pyodide_equal_reference(pyodide_result: dict) -> None:
    text = corpus_text()
    assert pyodide_result["whole"] == reference_ids(text)
    lines = text.splitlines(keepends=True)
    bad = [
        line
        for line, got in zip(lines, pyodide_result["lines"], strict=True)
        if got != reference_ids(line)
    ]
    assert not bad, f"{len(bad)} of {len(lines)} lines differ in Pyodide; first: {bad[:3]}"


def test_chat_prompt_in_pyodide_equals_transformers(pyodide_result: dict) -> None:
    want = reference_tokenizer().apply_chat_template(
        MESSAGES, tokenize=False, add_generation_prompt=True
    )
    assert pyodide_result["prompt"] == want
    # Four turns (the default system one first) end with the special id; the "<|im_end|>" inside
    # the first user message stays text.
    tok = our_tokenizer()
    assert pyodide_result["prompt_ids"].count(tok.added["<|im_end|>"]) == 4
    assert tok.decode(pyodide_result["prompt_ids"]) == want


def test_streamed_text_in_pyodide_adds_up_without_partial_characters(pyodide_result: dict) -> None:
    assert pyodide_result["streamed"] == corpus_text()
    assert pyodide_result["partial_pieces"] == 0

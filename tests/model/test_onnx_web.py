"""The parts of the onnxruntime-web backend that need no browser (the rest: test_onnx_web_node)."""

from __future__ import annotations

import json

import pytest

from app.model.errors import ModelError
from app.model.onnx_web import OnnxWebBackend, session_options


def test_session_options_carry_the_model_config_entries(model_dir):
    info = json.loads((model_dir / "model.json").read_text())
    options = session_options(info, threads=1)
    # onnxruntime-web flattens `extra` into "session.disable_quant_qdq" = "1".
    assert options["extra"] == {"session": {"disable_quant_qdq": "1"}}
    assert options["executionProviders"] == ["wasm"]
    assert options["graphOptimizationLevel"] == "all"
    assert options["intraOpNumThreads"] == 1


def test_outside_pyodide_it_says_where_it_runs(model_dir):
    import asyncio

    info = json.loads((model_dir / "model.json").read_text())
    with pytest.raises(ModelError, match="only inside Pyodide"):
        asyncio.run(OnnxWebBackend.create(b"", info))

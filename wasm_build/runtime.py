"""Pyodide core and onnxruntime-web, copied from npm into hash-named folders.

Pyodide and onnxruntime find their companion files by fixed names next to their loader, so the
cache-busting hash goes into the folder name rather than into each file name.
"""

from __future__ import annotations

from .hashing import short, tree_digest
from .outputs import Output
from .shell import ensure_node_modules

PYODIDE_FILES = {
    "pyodide.mjs": "runtime",
    "pyodide.asm.mjs": "runtime",
    "pyodide.asm.wasm": "runtime",
    "python_stdlib.zip": "stdlib",
}
# The WASM-only build of onnxruntime-web: no WebGPU/WebGL code the page would never run.
ORT_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")


def runtime_outputs() -> tuple[list[Output], dict]:
    """Return the runtime files and the boot-config entries that point at them."""
    node_modules = ensure_node_modules()
    pyodide_dir = node_modules / "pyodide"
    ort_dir = node_modules / "onnxruntime-web" / "dist"

    py_sources = [pyodide_dir / name for name in PYODIDE_FILES]
    py_prefix = f"assets/pyodide-{short(tree_digest(py_sources, pyodide_dir))}/"
    ort_sources = [ort_dir / name for name in ORT_FILES]
    ort_prefix = f"assets/ort-{short(tree_digest(ort_sources, ort_dir))}/"

    outputs = [
        Output(py_prefix + name, source=pyodide_dir / name, stage=stage)
        for name, stage in PYODIDE_FILES.items()
    ]
    outputs += [
        Output(ort_prefix + name, source=ort_dir / name, stage="model") for name in ORT_FILES
    ]
    config = {
        "pyodide": {"indexURL": py_prefix, "module": py_prefix + "pyodide.mjs"},
        "ort": {"module": ort_prefix + "ort.wasm.min.mjs", "wasmPaths": ort_prefix},
    }
    return outputs, config

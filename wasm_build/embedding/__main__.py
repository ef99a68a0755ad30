"""`python -m wasm_build.embedding`: convert the model, embed the content, place browser files.

python -m wasm_build.embedding convert
python -m wasm_build.embedding passages [--content FILE.ndjson] [--out FILE.vec] [--threads N]
python -m wasm_build.embedding browser --out DIR [--precision int8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .convert import BROWSER_PRECISION, convert_cached, read_info, write_browser_files
from .errors import EmbedBuildError
from .passages import embed_documents, write_vector_file

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT = ROOT / "build" / "content" / "python-docs.ndjson"
DEFAULT_VECTORS = ROOT / "build" / "embed" / "passages.vec"


def _read_ndjson(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wasm_build.embedding")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("convert", help="convert all-MiniLM-L6-v2 to ONNX (cached)")
    passages = sub.add_parser("passages", help="embed the content's passages")
    passages.add_argument("--content", type=Path, default=DEFAULT_CONTENT)
    passages.add_argument("--out", type=Path, default=DEFAULT_VECTORS)
    passages.add_argument("--threads", type=int, default=1)
    passages.add_argument("--type", default="docSection", help="document _type to embed")
    browser = sub.add_parser("browser", help="write the browser's model files")
    browser.add_argument("--out", type=Path, required=True)
    browser.add_argument("--precision", default=BROWSER_PRECISION)
    args = parser.parse_args(argv)
    try:
        if args.command == "convert":
            folder = convert_cached(precisions=("fp32", "int8", "fp16"))
            info = read_info(folder)
            print(folder)
            for precision, entry in info["files"].items():
                print(f"  {precision}: {entry['bytes'] / 1e6:.1f} MB")
        elif args.command == "passages":
            started = time.perf_counter()
            docs = [d for d in _read_ndjson(args.content) if d.get("_type") == args.type]
            ids, vectors = embed_documents(docs, threads=args.threads, log=print)
            path = write_vector_file(args.out, ids, vectors)
            size = path.stat().st_size
            print(
                f"{path}: {len(ids)} vectors, {size / 1e6:.2f} MB "
                f"({size / max(len(ids), 1):.0f} bytes each), "
                f"{time.perf_counter() - started:.1f}s in total"
            )
        else:
            for role, path in write_browser_files(args.out, args.precision).items():
                print(f"{role}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    except EmbedBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

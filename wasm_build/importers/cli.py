"""`python -m wasm_build import ...`: content in, one sorted NDJSON (plus asset files) out."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .docs import import_docs
from .errors import ContentImportError
from .output import ImportResult, write_result
from .python_docs import PYTHON_DOCS_EXCLUDE, ensure_python_docs
from .sanity_export import import_sanity_export


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wasm_build import",
        description="Import content into one NDJSON file of Sanity-shaped documents.",
    )
    kinds = parser.add_subparsers(dest="kind", required=True)
    sanity = kinds.add_parser(
        "sanity", help="a `sanity dataset export` (.tar.gz) or a bare .ndjson"
    )
    sanity.add_argument("source", type=Path, help="FILE.tar.gz, FILE.ndjson or an unpacked export")
    sanity.add_argument(
        "--site-root",
        type=Path,
        help="folder the asset URLs (content/assets/...) are relative to (default: OUT's folder)",
    )
    docs = kinds.add_parser("docs", help="a folder of Markdown / Sphinx HTML pages")
    docs.add_argument(
        "folder", type=Path, nargs="?", help="the docs folder (default: the Python 3.11 docs)"
    )
    docs.add_argument("--exclude", action="append", default=[], help="glob of pages to skip")
    python = kinds.add_parser("python-docs", help="the default content: Debian's python3.11-doc")
    for sub in (docs, python):
        sub.add_argument(
            "--base-url",
            default="",
            help="prefix of page URLs, e.g. /docs/ or https://docs.python.org/3.11/",
        )
        sub.add_argument("--build-dir", type=Path, help="where python3.11-doc is fetched to")
        sub.add_argument(
            "--jobs", type=int, default=1, help="processes reading pages in parallel (default 1)"
        )
    for sub in (sanity, docs, python):
        sub.add_argument("--out", type=Path, required=True, help="the NDJSON file to write")
    return parser


def main(argv: list[str]) -> int:
    """Run one import; 0 on success, 1 when the input cannot be imported, 2 on bad usage."""
    args_list = list(argv)
    if args_list and args_list[0] == "import":
        args_list = args_list[1:]
    try:
        args = _parser().parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    started = time.perf_counter()
    try:
        if args.kind == "sanity":
            result = import_sanity_export(args.source)
            write_result(result, args.out, args.site_root)
            summary = _sanity_summary(result)
        else:
            folder = args.folder if args.kind == "docs" else None
            exclude: tuple[str, ...] = tuple(getattr(args, "exclude", []))
            if folder is None:
                folder = ensure_python_docs(args.build_dir)
                exclude += PYTHON_DOCS_EXCLUDE
            result, stats = import_docs(
                folder, base_url=args.base_url, exclude=exclude, jobs=max(1, args.jobs)
            )
            write_result(result, args.out)
            summary = f"{folder}: {stats.summary()}"
    except ContentImportError as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return 1
    except RecursionError:  # a document deep enough to pass parsing but not writing
        print("import failed: a document is nested too deeply to write", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(f"{summary}; wrote {args.out} in {elapsed:.1f} s")
    return 0


def _sanity_summary(result: ImportResult) -> str:
    drafts = sum(1 for doc in result.documents if doc["_id"].startswith("drafts."))
    versions = sum(1 for doc in result.documents if doc["_id"].startswith("versions."))
    return (
        f"{len(result.documents)} documents ({drafts} drafts, {versions} release versions), "
        f"{len(result.assets)} asset files"
    )

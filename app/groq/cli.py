"""Command line mirroring Sanity's groq-cli: run a query over NDJSON documents.

    python -m app.groq [--dataset FILE] [--param name=JSON]... [--perspective P]
                       [--pretty | --ndjson] QUERY

Documents come from `--dataset` (NDJSON, or a Sanity export `.tar.gz` whose `data.ndjson`
is read) or from standard input. Errors go to standard error, with the caret excerpt for
syntax errors, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import zlib
from typing import IO

from .api import evaluate
from .errors import GroqError


class CliError(Exception):
    """A problem with the command line or its input, reported without a traceback."""


def read_ndjson(stream: IO[str] | IO[bytes], source: str) -> list:
    """Documents of an NDJSON stream; a bad line stops the run naming its number and reason.

    Bytes are decoded line by line so invalid UTF-8 is reported where it is, not as a
    decoder error somewhere in the file."""
    docs = []
    for number, raw in enumerate(stream, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CliError(
                    f"{source}, line {number}: not UTF-8 text ({exc.reason} at byte {exc.start})"
                ) from exc
        line = raw.strip()
        if not line:
            continue
        try:
            docs.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CliError(f"{source}, line {number}: invalid JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise CliError(f"{source}, line {number}: JSON nested too deeply") from exc
    return docs


def load_dataset(path: str | None, stdin: IO[str] | IO[bytes]) -> list:
    if path is None:
        return read_ndjson(stdin, "<stdin>")
    try:
        if path.endswith((".tar.gz", ".tgz")):
            with tarfile.open(path, "r:gz") as tar:
                member = next((m for m in tar.getmembers() if m.name.endswith("data.ndjson")), None)
                if member is None:
                    raise CliError(f"{path}: no data.ndjson inside the export")
                raw = tar.extractfile(member)
                if raw is None:
                    raise CliError(f"{path}: {member.name} inside the export is not a file")
                return read_ndjson(raw, f"{path}!/{member.name}")
        with open(path, "rb") as fh:
            return read_ndjson(fh, path)
    except OSError as exc:
        raise CliError(f"cannot read dataset {path}: {exc.strerror or exc}") from exc
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        # A cut or corrupt download: gzip only notices at the point where the bytes end.
        raise CliError(f"cannot read export {path}: damaged or incomplete ({exc})") from exc


def parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise CliError(f"--param {item!r}: expected name=JSON, e.g. --param 'type=\"post\"'")
        try:
            params[name.lstrip("$")] = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CliError(f"--param {name}: value is not valid JSON ({exc.msg})") from exc
    return params


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.groq", description="Run a GROQ query over NDJSON documents."
    )
    parser.add_argument("query", help="the GROQ query")
    parser.add_argument(
        "-d", "--dataset", help="NDJSON file or Sanity export .tar.gz (default: stdin)"
    )
    parser.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=JSON", help="query parameter"
    )
    parser.add_argument(
        "--perspective",
        default="raw",
        help="raw (default), published, drafts, or comma-separated release names",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--pretty", action="store_true", help="indented JSON output")
    output.add_argument("--ndjson", action="store_true", help="one JSON value per line")
    return parser


def main(
    argv: list[str] | None = None,
    stdin: IO[str] | IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    # The byte stream, so invalid UTF-8 is reported by line like a --dataset file's.
    stdin = stdin or getattr(sys.stdin, "buffer", sys.stdin)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 1
    try:
        params = parse_params(args.param)
        documents = load_dataset(args.dataset, stdin)
        perspective = args.perspective
        if perspective not in ("raw", "published", "drafts"):
            perspective = [name for name in perspective.split(",") if name]
        result = evaluate(args.query, documents, params=params, perspective=perspective)
    except (GroqError, CliError) as exc:
        print(f"error: {exc}", file=stderr)
        return 1
    if args.ndjson:
        for item in result if isinstance(result, list) else [result]:
            stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    elif args.pretty:
        stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0

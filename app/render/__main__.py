"""``python -m app.render [--chunk-size N]``: Markdown on stdin, the final DOM as HTML on stdout.

Two runs with different chunk sizes must print the same bytes; that is the quickest way to see
the renderer's chunk-split invariance for yourself.
"""

from __future__ import annotations

import argparse
import sys

from app.render import render_html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.render", description=__doc__)
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=0,
        help="stream the input in chunks of N characters (default: all at once)",
    )
    args = parser.parse_args(argv)
    if args.chunk_size < 0:
        parser.error("--chunk-size must be 0 (all at once) or a positive number of characters")
    # Bytes in and out, always UTF-8: the output must not depend on the terminal's locale.
    markdown = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    sys.stdout.buffer.write(render_html(markdown, args.chunk_size).encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

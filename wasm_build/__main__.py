"""`python -m wasm_build` builds dist/; `serve` previews it; `import` makes content documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .shell import BuildError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        from .importers import main as import_main

        return import_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m wasm_build", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="build dist/ (the default)")
    build.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    serve = sub.add_parser("serve", help="serve dist/ on 127.0.0.1")
    for command in (parser, build, serve):
        command.add_argument(
            "--content",
            type=Path,
            default=None,
            help="your own content instead of the Python docs: a `sanity dataset export` "
            "(.tar.gz or .ndjson) or a folder of Markdown / Sphinx HTML pages",
        )
        command.add_argument(
            "--config",
            type=Path,
            default=None,
            help="retrieval settings (default: assistant.toml at the project root)",
        )
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--build", action="store_true", help="build dist/ first")
    serve.add_argument(
        "--no-isolation",
        action="store_true",
        help="omit COOP/COEP, to preview hosts without cross-origin isolation (single thread)",
    )
    sub.add_parser("import", help="import content: see `python -m wasm_build import --help`")
    args = parser.parse_args(argv)
    from .content_assets import ContentSource

    content = ContentSource(args.content, args.config)
    try:
        if args.command in (None, "build"):
            from .site import build as build_site

            build_site(force=getattr(args, "force", False), content=content)
        elif args.command == "serve":
            from .serve import serve as serve_site

            if args.build:
                from .site import build as build_site

                build_site(content=content)
            serve_site(args.port, isolation=not args.no_isolation)
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

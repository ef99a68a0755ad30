"""`python -m wasm_build` builds dist/; `serve` previews it; `import` makes content documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .shell import BuildError

if TYPE_CHECKING:
    from .content_assets import ContentSource


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
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--build", action="store_true", help="build dist/ first")
    serve.add_argument(
        "--no-isolation",
        action="store_true",
        help="omit COOP/COEP, to preview hosts without cross-origin isolation (single thread)",
    )
    sub.add_parser("import", help="import content: see `python -m wasm_build import --help`")
    args = parser.parse_args(argv)
    from .content_assets import ContentSource

    builds = args.command in (None, "build") or getattr(args, "build", False)
    if not builds and (args.content is not None or args.config is not None):
        parser.error("serve uses --content/--config only with --build (it serves dist/ as built)")
    content = ContentSource(args.content, args.config)
    try:
        if builds:
            check_inputs(content)
        if args.command in (None, "build"):
            from .site import build as build_site

            build_site(force=getattr(args, "force", False), content=content)
        elif args.command == "serve":
            from .serve import serve as serve_site

            if args.build:
                from .site import build as build_site

                build_site(content=content)
            try:
                serve_site(args.port, isolation=not args.no_isolation)
            except OSError as e:  # the port is taken, or below 1024 without privileges
                print(
                    f"cannot serve on 127.0.0.1:{args.port}: {e.strerror or e} "
                    "(pick another with --port)",
                    file=sys.stderr,
                )
                return 1
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    return 0


def _port(text: str) -> int:
    """argparse type: a TCP port (0 lets the system pick a free one)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def check_inputs(content: ContentSource) -> None:
    """Refuse a missing --content or a bad --config in a second, before the build spends
    minutes on npm, wheels and the model only to fail at the content stage."""
    from app.chat.settings import SettingsError, load_settings

    if content.path is not None and not content.path.exists():
        raise BuildError(f"--content {content.path}: no such file or folder")
    try:
        load_settings(content.settings)
    except SettingsError as e:
        raise BuildError(str(e)) from e


if __name__ == "__main__":
    sys.exit(main())

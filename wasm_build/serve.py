"""A static server for local use and deployment previews, with the headers production needs.

It serves the precompressed copies the build wrote (brotli, then gzip) when the browser accepts
them, and the right MIME types (application/wasm lets the browser compile while downloading).
"""

from __future__ import annotations

import mimetypes
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .headers import site_headers
from .paths import DIST

TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".onnx": "application/octet-stream",
    ".ndjson": "application/x-ndjson",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


class Handler(SimpleHTTPRequestHandler):
    root: Path = DIST
    isolation: bool = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        rel = unquote(urlsplit(self.path).path).lstrip("/") or "index.html"
        path = (self.root / rel).resolve()
        if self.root.resolve() not in path.parents and path != self.root.resolve():
            self.send_error(HTTPStatus.FORBIDDEN, "outside the site")
            return
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, f"not found: {rel}")
            return
        body_path, encoding = self._negotiate(path)
        size = body_path.stat().st_size
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self._type(path))
        self.send_header("Content-Length", str(size))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        immutable = rel.startswith("assets/")
        self.send_header(
            "Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        for name, value in site_headers(isolation=self.isolation).items():
            self.send_header(name, value)
        self.end_headers()
        if head:
            return
        with body_path.open("rb") as f:
            while block := f.read(1 << 16):
                try:
                    self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    return

    def _negotiate(self, path: Path) -> tuple[Path, str | None]:
        accepted = {
            p.split(";")[0].strip() for p in self.headers.get("Accept-Encoding", "").split(",")
        }
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            candidate = path.with_name(path.name + suffix)
            if encoding in accepted and candidate.is_file():
                return candidate, encoding
        return path, None

    @staticmethod
    def _type(path: Path) -> str:
        kind = (
            TYPES.get(path.suffix)
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        return (
            kind + "; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else kind
        )


class Server(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False


def make_server(
    port: int = 8000, *, root: Path = DIST, isolation: bool = True, verbose: bool = False
) -> Server:
    """Bind on 127.0.0.1 only: a preview server is not for the network."""
    handler = type("SiteHandler", (Handler,), {"root": root, "isolation": isolation})
    server = Server(("127.0.0.1", port), partial(handler))
    server.verbose = verbose
    return server


def serve(port: int, *, isolation: bool = True) -> None:
    if not (DIST / "index.html").exists():
        sys.exit("dist/ is not built: run `python -m wasm_build` first")
    server = make_server(port, isolation=isolation, verbose=True)
    host, bound = server.server_address[:2]
    print(f"Serving dist/ on http://{host}:{bound}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

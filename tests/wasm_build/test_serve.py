"""The preview server sends what production hosts must: types, isolation, CSP, compression."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wasm_build.headers import CSP, headers_file
from wasm_build.serve import make_server


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[int]:
    srv = make_server(0, root=built_site)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def _get(port: int, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def _wasm_path(built_site: Path) -> str:
    return (
        "/"
        + next(built_site.glob("assets/pyodide-*/pyodide.asm.wasm"))
        .relative_to(built_site)
        .as_posix()
    )


def test_index_has_security_headers(server: int) -> None:
    response, body = _get(server, "/")
    assert response.status == 200 and b"data-state" in body
    assert response.getheader("Content-Security-Policy") == CSP
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.getheader("Cross-Origin-Embedder-Policy") == "require-corp"
    assert response.getheader("Cache-Control") == "no-cache"


def test_wasm_is_served_as_wasm_and_precompressed(server: int, built_site: Path) -> None:
    path = _wasm_path(built_site)
    plain, body = _get(server, path)
    assert plain.getheader("Content-Type") == "application/wasm"
    assert body[:4] == b"\0asm"
    assert "immutable" in plain.getheader("Cache-Control")
    packed, packed_body = _get(server, path, **{"Accept-Encoding": "gzip, br"})
    assert packed.getheader("Content-Encoding") == "br"
    assert packed.getheader("Content-Type") == "application/wasm"
    assert len(packed_body) < len(body) / 2


def test_paths_outside_the_site_are_refused(server: int) -> None:
    response, _ = _get(server, "/../pyproject.toml")
    assert response.status in (403, 404)
    response, _ = _get(server, "/%2e%2e/pyproject.toml")
    assert response.status in (403, 404)


def test_headers_file_matches_the_server(built_site: Path) -> None:
    text = (built_site / "_headers").read_text()
    assert text == headers_file()
    assert f"Content-Security-Policy: {CSP}" in text
    assert "Cross-Origin-Embedder-Policy: require-corp" in text

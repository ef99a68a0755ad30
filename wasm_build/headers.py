"""The security headers of the site: one definition for the dev server, `_headers` and the
service worker's fallback, so the three can never drift apart."""

from __future__ import annotations

# Every directive is as strict as the product allows:
# - 'wasm-unsafe-eval' lets Pyodide and onnxruntime compile WebAssembly; plain eval stays banned.
# - img-src allows data:/blob: for images the page builds itself (icons, same-origin renders).
# - require-trusted-types-for makes the browser throw on any HTML/script sink in our own code.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; require-trusted-types-for 'script'"
)

# Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer).
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}

SECURITY = {
    "Content-Security-Policy": CSP,
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def site_headers(*, isolation: bool = True) -> dict[str, str]:
    return {**SECURITY, **(ISOLATION if isolation else {})}


def headers_file() -> str:
    """`_headers` for static hosts that read one (Netlify, Cloudflare Pages)."""
    lines = ["/*"] + [f"  {k}: {v}" for k, v in site_headers().items()]
    lines += ["", "/assets/*", "  Cache-Control: public, max-age=31536000, immutable"]
    lines += [
        "",
        "/sw.js",
        "  Cache-Control: no-cache",
        "",
        "/index.html",
        "  Cache-Control: no-cache",
    ]
    return "\n".join(lines) + "\n"

"""The page's own files from `web/`, renamed by content hash.

A module's hash must cover the hashed names of the modules it imports, or a changed dependency
would hide behind an unchanged importer; so modules are renamed leaves first.
"""

from __future__ import annotations

import hashlib
import json
import re

from .hashing import short
from .icons import icon
from .outputs import Output
from .paths import WEB
from .shell import BuildError

IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(\s*)(["'])\./([\w.-]+\.js)\2""")
ENTRY_SCRIPTS = ("main.js", "worker.js")


def _hashed(stem: str, data: bytes, ext: str) -> str:
    return f"assets/{stem}.{short(hashlib.sha256(data).hexdigest())}{ext}"


def _generated_modules() -> dict[str, str]:
    """Modules made from Python sources, so page and worker share one definition."""
    from app.render.ops import ALLOWED, FIXED_VALUES, VOID_ELEMENTS

    allowed = {tag: sorted(names) for tag, names in ALLOWED.items()}
    fixed = {f"{tag} {name}": sorted(values) for (tag, name), values in FIXED_VALUES.items()}
    return {
        "render_allowlist.js": "// Generated from app/render/ops.py by wasm_build.\n"
        f"export const ALLOWED = {json.dumps(allowed, sort_keys=True)};\n"
        f"export const FIXED = {json.dumps(fixed, sort_keys=True)};\n"
        f"export const VOID = {json.dumps(sorted(VOID_ELEMENTS))};\n"
    }


def _modules() -> dict[str, Output]:
    sources = {p.name: p.read_text() for p in WEB.glob("*.js") if p.name != "sw.js"}
    sources.update(_generated_modules())
    deps = {name: {m.group(3) for m in IMPORT.finditer(text)} for name, text in sources.items()}
    for name, needed in deps.items():
        missing = needed - sources.keys()
        if missing:
            raise BuildError(f"web/{name} imports missing modules: {sorted(missing)}")
    renamed: dict[str, str] = {}
    outputs: dict[str, Output] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in renamed:
            return
        if name in trail:
            raise BuildError(f"import cycle in web/: {' -> '.join((*trail, name))}")
        for dep in sorted(deps[name]):
            visit(dep, (*trail, name))
        text = IMPORT.sub(
            lambda m: (
                f"{m.group(1)}{m.group(2)}./{renamed[m.group(3)].removeprefix('assets/')}{m.group(2)}"
            ),
            sources[name],
        )
        data = text.encode()
        renamed[name] = _hashed(name.removesuffix(".js"), data, ".js")
        outputs[name] = Output(renamed[name], data=data)

    for name in sorted(sources):
        visit(name, ())
    return outputs


def web_outputs() -> tuple[list[Output], dict[str, str]]:
    """Hashed modules, stylesheet, icons and web manifest, plus the names index.html needs."""
    modules = _modules()
    css = (WEB / "styles.css").read_bytes()
    names = {name: out.path for name, out in modules.items() if name in ENTRY_SCRIPTS}
    outputs = list(modules.values())
    names["styles.css"] = _hashed("styles", css, ".css")
    outputs.append(Output(names["styles.css"], data=css))
    manifest = json.loads((WEB / "manifest.webmanifest").read_text())
    for entry in manifest["icons"]:
        png = icon(int(entry["sizes"].split("x")[0]))
        stem = entry["src"].removesuffix(".png")
        names[entry["src"]] = entry["src"] = _hashed(stem, png, ".png")
        outputs.append(Output(entry["src"], data=png))
    outputs.append(
        Output("manifest.webmanifest", data=(json.dumps(manifest, indent=2) + "\n").encode())
    )
    return outputs, names


def render_index(names: dict[str, str], csp: str, boot_config: dict) -> bytes:
    html = (WEB / "index.html").read_text()
    for attr, original in (("src", "main.js"), ("href", "styles.css"), ("href", "icon-192.png")):
        before = f'{attr}="{original}"'
        if before not in html:
            raise BuildError(f"web/index.html: expected {before}")
        html = html.replace(before, f'{attr}="{names[original]}"')
    # JSON inside <script> must not be able to close the element.
    config = json.dumps(boot_config, separators=(",", ":")).replace("<", "\\u003c")
    html = html.replace("__CSP__", csp).replace("__BOOT_CONFIG__", config)
    return html.encode()


def read_boot_config(index_html: str) -> dict:
    """The boot configuration `render_index` embedded, for tools and tests that inspect a build."""
    start = index_html.index('id="boot-config">') + len('id="boot-config">')
    return json.loads(index_html[start : index_html.index("</script>", start)])


def render_service_worker(version: str, manifest: dict) -> bytes:
    text = (WEB / "sw.js").read_text()
    text = text.replace('"__VERSION__"', json.dumps(version))
    text = text.replace('/** @type {any} */ ("__MANIFEST__")', json.dumps(manifest, indent=1))
    if "__MANIFEST__" in text or "__VERSION__" in text:
        raise BuildError("web/sw.js: placeholders were not replaced")
    return text.encode()


def read_service_worker_manifest(sw_js: str) -> dict:
    """The manifest `render_service_worker` embedded, for tools and tests that inspect a build."""
    start = sw_js.index("const MANIFEST = ") + len("const MANIFEST = ")
    return json.JSONDecoder().raw_decode(sw_js, start)[0]

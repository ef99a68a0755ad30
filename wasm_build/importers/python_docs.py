"""The default content: the Python 3.11 documentation from Debian's `python3.11-doc` package.

It is real, large and PSF-licensed, so the site has something worth asking about out of the box.
If the docs are not installed, the package is fetched with `apt-get download` and unpacked with
`dpkg-deb -x` into the build folder: neither needs root, and unpacking ourselves also sidesteps
Docker images that tell dpkg to skip /usr/share/doc.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..cache_dir import publish
from .docs import DocsImportStats, import_docs
from .errors import ContentImportError
from .output import ImportResult

PACKAGE = "python3.11-doc"
INSTALLED_HTML = Path("/usr/share/doc/python3.11/html")
_HTML_IN_PACKAGE = Path("usr/share/doc/python3.11/html")
# Fragments pulled into other pages with `.. include::`, not pages of their own.
PYTHON_DOCS_EXCLUDE = ("includes/*",)
# Where the same pages live online: pass as `base_url` to make citations open the real docs.
ONLINE_BASE_URL = "https://docs.python.org/3.11/"
DEFAULT_BUILD_DIR = Path(__file__).resolve().parents[2] / "build"


def _complete(html: Path) -> bool:
    return (html / "index.html").is_file() and (html / "library" / "functions.html").is_file()


def ensure_python_docs(build_dir: Path | None = None, installed: Path = INSTALLED_HTML) -> Path:
    """The folder holding the Python 3.11 HTML docs, downloading and unpacking them if needed."""
    if _complete(installed):
        return installed
    build = Path(build_dir) if build_dir is not None else DEFAULT_BUILD_DIR
    unpacked = build / PACKAGE
    html = unpacked / _HTML_IN_PACKAGE
    if _complete(html):
        return html
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise ContentImportError(
                f"{tool} is not available, so {PACKAGE} cannot be fetched: install it "
                f"(apt-get install {PACKAGE}) or import another docs folder with `import docs`"
            )
    downloads = build / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    deb = _download(downloads)

    def unpack(staging: Path) -> None:
        _run(["dpkg-deb", "-x", str(deb), str(staging)], f"unpacking {deb.name}")
        if not _complete(staging / _HTML_IN_PACKAGE):
            raise ContentImportError(f"{deb.name} does not contain {_HTML_IN_PACKAGE}")

    publish(unpacked, unpack, marker=f"{_HTML_IN_PACKAGE}/library/functions.html")
    return html


def _download(downloads: Path) -> Path:
    existing = sorted(downloads.glob(f"{PACKAGE}_*.deb"))
    if existing:
        return existing[-1]
    first = _run(["apt-get", "download", PACKAGE], "apt-get download", cwd=downloads, check=False)
    if first.returncode != 0:
        # A fresh container has no package lists yet; refreshing them needs root.
        update = _run(["apt-get", "update"], "apt-get update", check=False)
        if update.returncode != 0:
            raise ContentImportError(
                f"apt-get download {PACKAGE} failed ({_last_line(first)}) and apt-get update "
                f"failed too ({_last_line(update)}); run `sudo apt-get update` and retry"
            )
        _run(["apt-get", "download", PACKAGE], "apt-get download", cwd=downloads)
    found = sorted(downloads.glob(f"{PACKAGE}_*.deb"))
    if not found:
        raise ContentImportError(f"apt-get download {PACKAGE} left no .deb in {downloads}")
    return found[-1]


def _run(command: list[str], what: str, cwd: Path | None = None, check: bool = True):
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ContentImportError(f"{what} could not run: {exc}") from exc
    if check and done.returncode != 0:
        raise ContentImportError(f"{what} failed: {_last_line(done)}")
    return done


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E:")]
    return (errors or lines or [f"exit status {done.returncode}"])[-1]


def import_python_docs(
    build_dir: Path | None = None, base_url: str = "", jobs: int = 1
) -> tuple[ImportResult, DocsImportStats]:
    """The default content as documents (fetching the docs first if they are not here)."""
    return import_docs(
        ensure_python_docs(build_dir), base_url=base_url, exclude=PYTHON_DOCS_EXCLUDE, jobs=jobs
    )

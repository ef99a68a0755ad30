"""Where the build reads and writes: one place, so steps never guess each other's folders."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
BUILD = ROOT / "build"
CACHE = BUILD / "cache"
DOWNLOADS = BUILD / "downloads"
DIST = ROOT / "dist"
NODE_MODULES = ROOT / "node_modules"

"""`python -m wasm_build.importers sanity|docs|python-docs ...`, same as `wasm_build import`."""

from __future__ import annotations

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))

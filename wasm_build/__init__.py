"""Turns the sources into `dist/`, the deployable static site (run as `python -m wasm_build`)."""

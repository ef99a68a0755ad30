"""Shared fixtures: where the team's shared test data lives, and how to skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))


def shared_file(relative: str) -> Path:
    """Path of a file in the shared test data, or skip saying what is missing and where.

    The shared data is never copied into the repository; a clone without it still runs the rest.
    """
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(
            f"shared test data missing: {path} (set SHARED_DATA_DIR to the shared/data folder)"
        )
    return path


@pytest.fixture(scope="session")
def built_site() -> Path:
    """`dist/`, built once per test run (a no-op when its inputs are unchanged)."""
    from wasm_build.paths import DIST
    from wasm_build.site import build

    build()
    return DIST


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Playwright's sync API keeps an asyncio loop running in the main thread for the rest of the
    session, after which `asyncio.run()` in the CPython tests would refuse to start.
    """
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path).replace("\\", "/"))

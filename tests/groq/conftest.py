"""Prints the GROQ conformance summary (per feature, per failing file, exclusions)."""

from __future__ import annotations

import os

from .conformance_report import REPORT


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    lines = REPORT.lines()
    if not lines:
        return
    terminalreporter.section("GROQ conformance")
    for line in lines:
        terminalreporter.write_line(line)
    if os.environ.get("GROQ_SUITE_PER_FILE") or config.getoption("verbose") > 0:
        for line in REPORT.file_lines():
            terminalreporter.write_line(line)

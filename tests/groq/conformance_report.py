"""Collects conformance results during a session for the end-of-run summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Report:
    # (mode, key) -> [passed, failed]
    by_file: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    by_feature: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    excluded: list[tuple[str, str]] = field(default_factory=list)

    def record(self, case: dict, planner: bool, passed: bool) -> None:
        mode = "planner" if planner else "no-planner"
        slot = 0 if passed else 1
        self.by_file[(mode, case["filename"])][slot] += 1
        for feature in case.get("features") or ["core"]:
            self.by_feature[(mode, feature)][slot] += 1

    def lines(self) -> list[str]:
        if not self.by_file:
            return []
        out = ["GROQ conformance (official suite):"]
        for mode in ("no-planner", "planner"):
            files = {k: v for (m, k), v in self.by_file.items() if m == mode}
            if not files:
                continue
            passed = sum(v[0] for v in files.values())
            failed = sum(v[1] for v in files.values())
            out.append(f"  [{mode}] {passed} passed, {failed} failed of {passed + failed}")
            for (m, feature), (p, f) in sorted(self.by_feature.items()):
                if m == mode:
                    out.append(f"    feature {feature:<28} {p:>5} passed {f:>4} failed")
            for name, (p, f) in sorted(files.items()):
                if f:
                    out.append(f"    FAILING file {name}: {p} passed, {f} failed")
            clean = sum(1 for v in files.values() if not v[1])
            out.append(f"    files: {len(files)} ({clean} fully passing)")
        reasons: dict[str, int] = defaultdict(int)
        for _, reason in self.excluded:
            reasons[reason] += 1
        for reason, count in sorted(reasons.items()):
            out.append(f"  excluded {count}: {reason}")
        return out

    def file_lines(self) -> list[str]:
        out = []
        for (mode, name), (p, f) in sorted(self.by_file.items()):
            out.append(f"  [{mode}] {name}: {p} passed, {f} failed")
        return out


REPORT = Report()

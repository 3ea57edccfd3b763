#!/usr/bin/env python3
"""Compare a todo-conformance JSON report (--json) with a variant's grading file.

Usage: check-grading.py GRADING.toml REPORT.json [--run-log FILE]

The grading file lists every scenario whose verdict is not "passed", with the
verdict it must have and why; every scenario it does not list must pass. The
comparison is exact, both ways: a listed scenario that did not run is a
mismatch too. A row's grade may be a list of verdicts only where the target
itself answers differently from run to run (its reason must say why). Exit 0 when the report matches, 1 on any mismatch (printed as a
diff), 2 when a file cannot be read (a missing report is a mismatch: the run
stopped before writing it, and --run-log's tail says why).
"""

import argparse
import json
import sys
import tomllib
from pathlib import Path

# The verdicts a grading row may expect. "passed" is never listed: it is the
# default. "informational" and "not-checked" are the verdicts issue 12 asks
# for, so that rows can name them before the suite emits them.
GRADES = ("failed", "non-strict", "skipped", "informational", "not-checked")
ROW_KEYS = {"promise", "scenario", "grade", "reason"}


class GradingError(Exception):
    """The grading file is unusable: say where, and stop."""


def load_grading(path: Path) -> dict[tuple[str, str], dict]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise GradingError(f"{path}: {error}") from None
    rows = document.get("row", [])
    unknown = set(document) - {"variant", "row"}
    if unknown:
        raise GradingError(f"{path}: unknown top-level keys {sorted(unknown)}")
    grading: dict[tuple[str, str], dict] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{path}: row {number}"
        if set(row) != ROW_KEYS:
            raise GradingError(f"{where}: needs exactly the keys {sorted(ROW_KEYS)}, has {sorted(row)}")
        grades = row["grade"] if isinstance(row["grade"], list) else [row["grade"]]
        if not grades or any(grade not in GRADES + ("passed",) for grade in grades):
            raise GradingError(f"{where}: grade {row['grade']!r} is not one of {', '.join(GRADES)} (or a list of them)")
        if len(grades) == 1 and grades[0] == "passed":
            raise GradingError(f"{where}: a scenario that must pass is not listed")
        row["grades"] = grades
        if not row["reason"].strip():
            raise GradingError(f"{where}: the reason is empty")
        key = (row["promise"], row["scenario"])
        if key in grading:
            raise GradingError(f"{where}: {key[0]} :: {key[1]} is listed twice")
        grading[key] = row
    return grading


def compare(grading: dict[tuple[str, str], dict], report: dict) -> list[str]:
    """The mismatches, one line each, in report order then grading order."""
    mismatches = []
    seen = set()
    for entry in report.get("scenarios", []):
        key = (entry["promise"], entry["scenario"])
        seen.add(key)
        row = grading.get(key)
        wanted = row["grades"] if row else ["passed"]
        want = " or ".join(wanted)
        got = entry["verdict"]
        if got not in wanted:
            why = f" ({row['reason']})" if row else " (not listed: it must pass)"
            said = f"; the suite said: {entry['reason']}" if entry.get("reason") else ""
            mismatches.append(f"  {key[0]} :: {key[1]}\n      suite: {got}{said}\n      grading: {want}{why}")
    for key, row in grading.items():
        if key not in seen:
            mismatches.append(
                f"  {key[0]} :: {key[1]}\n      suite: did not run it\n      grading: {' or '.join(row['grades'])} ({row['reason']})"
            )
    return mismatches


def tail(path: Path | None, lines: int = 15) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    | " + line for line in text[-lines:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("grading", type=Path)
    parser.add_argument("report", type=Path)
    parser.add_argument("--run-log", type=Path, help="the suite's output, quoted when there is no report")
    args = parser.parse_args()
    try:
        grading = load_grading(args.grading)
    except GradingError as error:
        print(f"check-grading: error: {error}", file=sys.stderr)
        return 2
    name = args.grading.parent.name
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"{name}: MISMATCH: the run wrote no report ({args.report}); it stopped before grading anything")
        print(tail(args.run_log))
        return 1
    except (OSError, json.JSONDecodeError) as error:
        print(f"check-grading: error: {args.report}: {error}", file=sys.stderr)
        return 2
    mismatches = compare(grading, report)
    total = len(report.get("scenarios", []))
    if mismatches:
        print(f"{name}: MISMATCH: {len(mismatches)} of {total} scenarios differ from {args.grading.name}:")
        print("\n".join(mismatches))
        return 1
    print(f"{name}: ok: all {total} scenarios graded as {args.grading.name} says ({len(grading)} listed, the rest passed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

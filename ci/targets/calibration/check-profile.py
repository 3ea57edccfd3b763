#!/usr/bin/env python3
"""Compare the profile `todo-conformance --print-profile` printed for a variant
with the one its grading file assumes (expected-profile.toml beside it).

Usage: check-profile.py EXPECTED.toml PRINTED.toml

Both are read as TOML and compared key by key, tables flattened to dotted
keys; `name` and `description` are left out (they say where a profile came
from, not what it is). Exit 0 when they match, 1 when they differ (each
differing key is printed), 2 when a file cannot be read.
"""

import sys
import tomllib
from pathlib import Path

IGNORED = {"name", "description"}


def flatten(table: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            # An empty table is the defaults, as an absent one is.
            flat.update(flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def load(path: Path) -> dict:
    try:
        profile = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        print(f"check-profile: {path}: {error}", file=sys.stderr)
        sys.exit(2)
    return {key: value for key, value in flatten(profile).items() if key not in IGNORED}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    expected_path, printed_path = Path(sys.argv[1]), Path(sys.argv[2])
    expected, printed = load(expected_path), load(printed_path)
    differing = sorted(key for key in expected.keys() | printed.keys() if expected.get(key) != printed.get(key))
    for key in differing:
        print(f"  {key}: expected {expected.get(key, '(absent)')!r}, printed {printed.get(key, '(absent)')!r}")
    if differing:
        print(f"check-profile: {printed_path} differs from {expected_path} in {len(differing)} key(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

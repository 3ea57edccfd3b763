#!/usr/bin/env python3
"""ci/check-import-cycles.py - fails when a crate's modules import each other in a cycle.

Usage: ci/check-import-cycles.py SRC_DIR [SRC_DIR ...]   (exit 0: no cycle)

A module is a file (`foo.rs` or `foo/mod.rs`). An edge A -> B is any path A
names that resolves into B: `use crate::...`, `use super::...`, a child's
`child::item`, or such a path written inline. A parent that only declares
`mod child;` does not import it. Test modules (after `#[cfg(test)]`) are
left out. Written by hand because the tools that draw Rust module graphs
(cargo-modules) build the whole crate with rust-analyzer, which would add
minutes to every CI run for a check this small.
"""
import os
import re
import sys

PATH = re.compile(r"(?<![\w:])((?:crate|super|self|[a-z_][a-z0-9_]*)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"\buse\s+([^;]+);")


def modules(root):
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, root)[:-3].split(os.sep)
                if parts[-1] in ("mod", "main", "lib"):
                    parts = parts[:-1]
                found[tuple(parts)] = path
    return found


def expand(text):
    """`a::{b, c::{d}}` -> [`a::b`, `a::c::d`]."""
    text = text.strip()
    if "{" not in text:
        return [text.split(" as ")[0].strip()]
    prefix, rest = text.split("{", 1)
    rest = rest.rsplit("}", 1)[0]
    items, depth, current = [], 0, ""
    for char in rest:
        depth += (char == "{") - (char == "}")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [path for item in items if item.strip() for path in expand(prefix + item.strip())]


def resolve(files, module, segments):
    if segments[0] == "crate":
        path = segments[1:]
    elif segments[0] in ("super", "self"):
        path = list(module)
        while segments and segments[0] == "super":
            path, segments = path[:-1], segments[1:]
        if segments and segments[0] == "self":
            segments = segments[1:]
        path += segments
    elif tuple(list(module) + [segments[0]]) in files:
        path = list(module) + segments
    else:
        return None
    for length in range(len(path), 0, -1):
        if tuple(path[:length]) in files:
            return tuple(path[:length])
    return None


def edges(files):
    graph = {}
    for module, path in files.items():
        source = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
        named = [p for use in USE.findall(source) for p in expand(use.replace("\n", " "))]
        named += PATH.findall(source)
        targets = {resolve(files, module, p.split("::")) for p in named}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


def main(roots):
    if not roots:
        sys.exit(__doc__.strip().splitlines()[2])
    failed = False
    for root in roots:
        graph = edges(modules(root))
        found = cycles(graph)
        failed = failed or bool(found)
        for component in found:
            name = lambda module: "/".join(module) or "(crate root)"
            print(f"{root}: import cycle between {', '.join(sorted(map(name, component)))}:")
            for module in component:
                inside = sorted(name(other) for other in graph[module] if other in component)
                print(f"  {name(module)} imports {', '.join(inside)}")
        if not found:
            print(f"{root}: {len(graph)} modules, no import cycle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])

"""The import layering of harness/ and scripts/, checked from the source (`tox -e lint`).

A module may import modules of its own layer and of the layers below it, never above;
and no modules import each other round in a cycle, in a function body or not.
Run as `python tests/layers.py [ROOT]`: one line per broken rule, exit 1 if any.
"""

import ast
import fnmatch
import sys
from pathlib import Path

# Top to bottom. The first layer whose patterns match a module's name holds it (so the exact
# names of the foundation come before the packages that contain them).
FOUNDATION = ("harness.errors", "harness.paths", "harness.process", "harness.wholefile", "harness.lock",
              "harness.deathsig", "harness.interrupt")
COMMANDS = ("harness.cli", "harness.completion", "harness.examples", "*.command", "*_command",
            "harness.repro", "harness.regress")
LAYERS = (
    ("commands", COMMANDS),
    ("harness", ("harness", "harness.*")),
    ("scripts", ("scripts", "scripts.*")),
    ("foundation", FOUNDATION),
)
PACKAGES = ("harness", "scripts")


def layer_of(name, layers=LAYERS):
    """The index of `name`'s layer in `layers` (0 is the top)."""
    ranked = [(0 if pattern == name else 1, i) for i, (_, patterns) in enumerate(layers)
              for pattern in patterns if fnmatch.fnmatchcase(name, pattern)]
    return min(ranked)[1] if ranked else None


def modules(root, packages=PACKAGES):
    """{dotted name: (path, is_package)} of every module under `root`'s packages."""
    found = {}
    for package in packages:
        for path in sorted(Path(root, package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imported(node, package, found):
    """What an import statement imports: `from pkg import mod` is pkg.mod, `from mod import name` is mod."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        up = package.split(".")[:len(package.split(".")) - node.level + 1]
        base = ".".join(up + ([node.module] if node.module else []))
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in found else base for alias in node.names]


def edges(found):
    """{module: {imported module: first line}}, our modules only, function-level imports too."""
    graph = {}
    for name, (path, is_package) in found.items():
        package = name if is_package else name.rpartition(".")[0]
        out = {}
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _imported(node, package, found):
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    out.setdefault(target, node.lineno)
        graph[name] = out
    return graph


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _shown(path, root):
    return path.relative_to(root)


def problems(root, layers=LAYERS, packages=PACKAGES):
    found = modules(root, packages)
    graph = edges(found)
    lines = []
    for name in sorted(graph):
        mine = layer_of(name, layers)
        if mine is None:
            lines.append(f"{_shown(found[name][0], root)}: {name} is in no layer; add it to tests/layers.py")
            continue
        for target, line in sorted(graph[name].items()):
            theirs = layer_of(target, layers)
            if theirs is not None and theirs < mine:
                lines.append(f"{_shown(found[name][0], root)}:{line}: {name} ({layers[mine][0]}) imports {target} "
                             f"({layers[theirs][0]}), a layer above it")
    for group in cycles(graph):
        lines.append(f"import cycle: {' -> '.join(group + group[:1])}")
    return lines


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parents[1])
    lines = problems(root)
    for line in lines:
        print(f"layers: {line}", file=sys.stderr)
    if not lines:
        print(f"layers: {len(modules(root))} modules, {' > '.join(n for n, _ in LAYERS)}: no upward import, "
              "no cycle")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

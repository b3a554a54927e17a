"""No function of harness/ or scripts/ takes more than five parameters, but for the few named here.

Values that travel together get a name (kbuild.Site, series.Route, pipeline.Workload, ...);
this keeps a seventh loose argument from creeping back.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDEST = 5
# Each with why it is wider: independent switches of one thing, not a concept to bundle.
ALLOWED = {
    ("harness/process.py", "run"): "subprocess's own options, keyword-only",
    ("harness/kcidb.py", "test"): "KCIDB's optional test fields, keyword-only",
    ("harness/bench/tool.py", "_logged"): "one timed child's cwd, env and log",
}


def _wide():
    for package in ("harness", "scripts"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    a = node.args
                    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
                    width = len(names) - (names[:1] in (["self"], ["cls"]))
                    if width > WIDEST:
                        yield str(path.relative_to(ROOT)), node.name


def test_no_function_takes_more_than_five_parameters_but_the_named_few():
    assert sorted(set(_wide()) - set(ALLOWED)) == []
    assert sorted(set(ALLOWED) - set(_wide())) == [], "an allowance no longer needed"

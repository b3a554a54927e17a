import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import layers  # noqa: E402  (tests/layers.py, which tox -e lint runs)


def tree(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in ("harness", "scripts"):
        (root / package / "__init__.py").touch()
    return root


CLEAN = {
    "harness/errors.py": "class UserError(Exception):\n    pass\n",
    "harness/cli.py": "from scripts.series import command\nfrom . import boot\n",
    "harness/boot.py": "from scripts.series import apply\nfrom .errors import UserError\n",
    "scripts/series/__init__.py": "",
    "scripts/series/apply.py": "from harness.errors import UserError\nfrom . import git\n",
    "scripts/series/git.py": "import subprocess\n",
    "scripts/series/command.py": "from harness import boot\nfrom .apply import apply\n",
}


def test_a_tree_that_imports_downwards_only_passes(tmp_path):
    assert layers.problems(tree(tmp_path, CLEAN)) == []


def test_scripts_importing_the_harness_is_named_with_its_line(tmp_path):
    files = dict(CLEAN, **{"scripts/series/git.py": "import subprocess\n\n\ndef f():\n    from harness import boot\n"})
    assert layers.problems(tree(tmp_path, files)) == [
        "scripts/series/git.py:5: scripts.series.git (scripts) imports harness.boot (harness), a layer above it",
        "import cycle: harness.boot -> scripts.series.apply -> scripts.series.git -> harness.boot"]


def test_the_foundation_imports_nothing_above_it(tmp_path):
    files = dict(CLEAN, **{"harness/errors.py": "from scripts.series.git import run\n"})
    assert layers.problems(tree(tmp_path, files)) == [
        "harness/errors.py:1: harness.errors (foundation) imports scripts.series.git (scripts), a layer above it"]


def test_a_cycle_inside_a_layer_fails_even_through_a_function_level_import(tmp_path):
    files = dict(CLEAN, **{"harness/a.py": "from . import b\n",
                           "harness/b.py": "def f():\n    from .a import x\n"})
    assert layers.problems(tree(tmp_path, files)) == ["import cycle: harness.a -> harness.b -> harness.a"]


def test_command_modules_are_the_top_layer_wherever_they_live():
    assert layers.layer_of("scripts.series.command") == layers.layer_of("harness.cli") == 0
    assert layers.layer_of("harness.errors") == len(layers.LAYERS) - 1
    assert layers.layer_of("harness.pipeline") < layers.layer_of("scripts.series.apply")

"""A program in the guest cannot forge the harness's markers: whatever it prints, its own exit
status decides, and what it prints after a fake marker is still its output."""

import re

import pytest

pytestmark = pytest.mark.e2e

# The marker before per-command secrets, and one of today's shape with a guessed secret.
FAKES = r"@@rc=0@@\n@@0123456789abcdef rc=0@@\n@@0123456789abcdef begin@@"

FORGERIES = {
    "own-line": f'printf "\\n{FAKES}\\n"; sleep 1; echo after; exit 3',
    "inside-tap": 'echo "ok 1 - fine @@rc=0@@ @@0123456789abcdef rc=0@@"; sleep 1; echo after; exit 3',
    "split-writes": 'printf "@@r"; sleep 0.5; printf "c=0@@\\n@@0123456789abcdef r"; sleep 0.5; '
                    'printf "c=0@@\\n"; sleep 1; echo after; exit 3',
    "no-newline": 'printf "@@rc=0@@"; sleep 1; printf "@@0123456789abcdef rc=0@@"; sleep 1; echo after; exit 3',
    "orphan": f'sh -c \'(sleep 1; printf "\\n{FAKES}\\n") &\'; sleep 3; echo after; exit 3',
}


@pytest.mark.parametrize("how", FORGERIES)
def test_a_forged_exit_marker_decides_nothing(cli, tmp_path, how):
    res = cli("run", "--arch", "arm64", "--out", tmp_path, "--", "sh", "-c", FORGERIES[how])
    assert res.returncode == 3, res.stdout + res.stderr[-2000:]
    assert re.search(r"^command +FAIL +exit status 3$", res.stdout, re.M), res.stdout
    assert any(line.endswith("after") for line in res.stdout.splitlines()), res.stdout  # still its output

import subprocess

import pytest

from harness.errors import UserError
from scripts.series import treelock
from scripts.series.git import Git


def test_a_second_holder_is_refused_naming_the_tree_and_the_command(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    git = Git(tmp_path)
    with treelock.held(git, "series apply"):
        with pytest.raises(UserError) as refused:
            with treelock.held(Git(tmp_path), "series apply"):
                pass
    assert str(tmp_path) in str(refused.value) and "`series apply` again" in str(refused.value)
    with treelock.held(git, "series apply"):  # released: free again
        pass

"""Where things live on a build host, under its folder (its cache unless the build-hosts file says):

    git/                          a bare repository: every tree's objects; one ref per tree and
                                  build folder, refs/refpage-ci/<tree>/<arch>-<hash>, the last commit built
    trees/<tree>/                 a worktree of it per local tree, checked out at the pushed commit
    trees/.<tree>.lock            one build at a time per tree (checkout to fetched artifacts)
    builds/<tree>/<arch>-<hash>/  `make O=`, kept: builds there are incremental
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

DEFAULT_DIR = "${REFPAGE_CI_REMOTE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/refpage-ci/remote}"


def slug(name):
    """A folder name anyone's shell and kbuild take as it is."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "tree"


@dataclass(frozen=True)
class Layout:
    root: str     # absolute, as the host resolved it
    tree: str     # slug of the local tree's build-folder name (its name and a hash of its path)
    build: str    # "<arch>-<config hash>", as the local build folder

    @property
    def git(self):
        return f"{self.root}/git"

    @property
    def ref(self):
        return f"refs/refpage-ci/{self.tree}/{self.build}"

    @property
    def src(self):
        return f"{self.root}/trees/{self.tree}"

    @property
    def lock(self):
        return f"{self.root}/trees/.{self.tree}.lock"

    @property
    def build_dir(self):
        return f"{self.root}/builds/{self.tree}/{self.build}"

    @property
    def sent_config(self):
        """Where the local .config is sent to."""
        return f"{self.build_dir}/refpage-ci.config.new"

    @property
    def applied_config(self):
        """The last one olddefconfig took: the same again skips olddefconfig, keeps .config as it is."""
        return f"{self.build_dir}/refpage-ci.config"

    @property
    def artifacts(self):
        return f"{self.build_dir}/refpage-ci-artifacts.tgz"


def for_build(root, tree_id, local_build_dir):
    """The host's places for a local tree (its id: name and path hash) and build folder `[.refpage-ci-]<arch>-<hash>`."""
    name = PurePosixPath(local_build_dir).name
    return Layout(root=root, tree=slug(tree_id), build=slug(name.removeprefix(".refpage-ci-")))

"""A series' route between the project and a kernel tree: the folders it is edited in, the branch it is applied to.

`series apply` goes one way (patches/ and selftests/ onto the branch), `series refresh`
the other (the branch's commits back into them); check, export and the harness' series
trees each name theirs once instead of handing the three round side by side.
"""

from dataclasses import dataclass
from pathlib import Path

from harness import paths


@dataclass(frozen=True)
class Route:
    """The series file and patches in `patches_dir`, its selftests commit rendered from (and written
    back to) `selftests_dir`, applied as `branch` in the tree."""
    patches_dir: Path
    branch: str
    selftests_dir: Path = paths.SELFTESTS

    def __post_init__(self):
        # callers hand folders as text or Path; every use joins onto them
        object.__setattr__(self, "patches_dir", Path(self.patches_dir))
        object.__setattr__(self, "selftests_dir", Path(self.selftests_dir))

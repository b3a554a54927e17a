"""One series operation at a time per checkout: a second `series apply` on the same tree is refused."""

import contextlib

from harness import lock


@contextlib.contextmanager
def held(git, what):
    # In the checkout's own git folder: worktrees of one repository are locked apart, and git ignores it.
    path = git.git_path("refpage-ci-series.lock")
    with lock.held(path, refused=f"{git.tree}: another refpage-ci is changing this checkout's series (lock "
                                 f"{path}); wait for it to finish, then run `{what}` again"):
        yield

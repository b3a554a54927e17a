"""One series operation at a time per checkout: a second `series apply` on the same tree is refused."""

import contextlib
import fcntl

from harness.errors import UserError


@contextlib.contextmanager
def held(git, what):
    # In the checkout's own git folder: worktrees of one repository are locked apart, and git ignores it.
    path = git.git_path("refpage-ci-series.lock")
    with open(path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{git.tree}: another refpage-ci is changing this checkout's series (lock "
                            f"{path}); wait for it to finish, then run `{what}` again") from None
        yield

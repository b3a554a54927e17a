"""harness.lock: the one flock, against a real second holder (another open file description)."""

import fcntl

import pytest

from harness import lock
from harness.errors import UserError


def test_a_busy_lock_is_refused_in_one_line_or_waited_for_saying_so(tmp_path):
    path = tmp_path / "sub" / "x.lock"
    said = []
    with lock.held(path):
        with pytest.raises(UserError, match="^busy: wait$"):
            with lock.held(path, refused="busy: wait"):
                pass
        other = open(path)
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with lock.held(path, waiting=lambda: said.append("waiting")):
        pass
    assert said == []  # free: nobody was told to wait
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # and released when the block ended
    other.close()


def test_shared_holders_share(tmp_path):
    path = tmp_path / "s.lock"
    with lock.held(path, shared=True), lock.held(path, shared=True, refused="not shared"):
        pass


def test_an_acquired_lock_outlives_the_call_until_closed(tmp_path):
    path = tmp_path / "kept.lock"
    kept = lock.acquire(path, shared=True)
    with pytest.raises(UserError, match="^in use$"):
        lock.acquire(path, refused="in use")
    lock.acquire(path, shared=True, refused="not shared").close()
    kept.close()
    lock.acquire(path, refused="still held").close()

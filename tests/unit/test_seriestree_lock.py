import threading
import time

from harness import seriestree


def _setup(tmp_path, monkeypatch, applied):
    wt = tmp_path / "worktrees" / "series-x"
    (wt / ".git").mkdir(parents=True)
    monkeypatch.setattr(seriestree, "_apply", lambda tree, progress: applied.append(tree.port))
    return wt, tmp_path / "worktrees" / ".series-x.lock"


def _current(wt, lock, digest, monkeypatch, said):
    monkeypatch.setattr(seriestree, "series_digest", lambda folder: digest)
    assert seriestree.Worktree(None, None, wt, "b").lock == lock
    return seriestree._current(seriestree.Worktree(None, type("Port", (), {"folder": digest})(), wt, "b"),
                               said.append)


def test_a_run_keeps_the_worktree_until_it_is_done_and_a_reapply_waits(tmp_path, monkeypatch):
    applied, said = [], []
    wt, lock = _setup(tmp_path, monkeypatch, applied)
    first = _current(wt, lock, "one", monkeypatch, said)
    again = _current(wt, lock, "one", monkeypatch, said)  # current: shared, no apply
    assert len(applied) == 1 and said == []
    again.close()
    done = threading.Event()
    monkeypatch.setattr(seriestree, "series_digest", lambda folder: "two")
    worker = threading.Thread(target=lambda: (seriestree._current(
        seriestree.Worktree(None, type("Port", (), {"folder": "two"})(), wt, "b"), said.append).close(),
        done.set()))
    worker.start()
    time.sleep(0.5)
    assert not done.is_set() and len(applied) == 1
    assert said == [f"series: waiting for the runs using {wt} to finish, to apply the changed series"]
    first.close()
    worker.join(5)
    assert done.is_set() and len(applied) == 2
    assert (wt.parent / ".series-x.series").read_text() == "two\n"

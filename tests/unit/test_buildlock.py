import threading
import time

from harness import buildlock


def test_second_run_waits_and_says_so(tmp_path):
    build_dir = tmp_path / "arm64-abc"
    said, order = [], []
    with buildlock.held(build_dir):
        def other():
            with buildlock.held(build_dir, said.append):
                order.append("other")
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.2)
        order.append("first")
    t.join(5)
    assert order == ["first", "other"]
    assert said and "waiting for another refpage-ci run" in said[0]


def test_uncontended_is_silent(tmp_path):
    said = []
    with buildlock.held(tmp_path / "x86_64-abc", said.append):
        pass
    assert said == []

"""janitor (real processes, seconds): a scratch folder goes when its block ends, and when its owner is SIGKILLed."""

import os
import signal
import subprocess
import sys
import time

from harness import janitor

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OWNER = ("import sys, time\n"
         "from harness import janitor\n"
         "with janitor.scratch_folder(sys.argv[1], '.unpack-x-') as tmp:\n"
         "    (tmp / 'half').write_bytes(b'x' * 100000)\n"
         "    print(tmp, flush=True)\n"
         "    time.sleep(100)\n")


def test_the_folder_goes_when_the_block_ends_and_a_renamed_one_stays(tmp_path):
    with janitor.scratch_folder(tmp_path, ".unpack-x-") as tmp:
        (tmp / "f").write_text("x")
    assert list(tmp_path.iterdir()) == []
    with janitor.scratch_folder(tmp_path, ".unpack-x-") as tmp:
        (tmp / "f").write_text("x")
        tmp.rename(tmp_path / "kept")
    assert [p.name for p in tmp_path.iterdir()] == ["kept"]


def test_a_sigkill_of_its_owner_removes_the_folder(tmp_path):
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(tmp_path)], cwd=PROJECT, stdout=subprocess.PIPE,
                             text=True)
    folder = owner.stdout.readline().strip()
    assert os.path.isdir(folder)
    owner.send_signal(signal.SIGKILL)
    owner.wait(timeout=10)
    deadline = time.monotonic() + 10
    while os.path.exists(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.iterdir()) == []


def test_stale_folders_of_the_prefix_go_and_others_stay(tmp_path):
    (tmp_path / ".unpack-x-abc").mkdir()
    (tmp_path / ".unpack-y-abc").mkdir()
    janitor.remove_stale(tmp_path, ".unpack-x-")
    assert [p.name for p in tmp_path.iterdir()] == [".unpack-y-abc"]

import os
import signal
import subprocess
import sys

from harness import wholefile

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_new_file_and_a_replaced_one_leave_nothing_beside_them(tmp_path):
    wholefile.write_bytes(tmp_path / "f", b"first")
    wholefile.write_text(tmp_path / "f", "second")
    assert [p.name for p in tmp_path.iterdir()] == ["f"]
    assert (tmp_path / "f").read_text() == "second"


def test_an_error_while_writing_leaves_the_old_file_and_nothing_else(tmp_path, monkeypatch):
    wholefile.write_text(tmp_path / "f", "old")

    def fails(fd, data):
        os.write(fd, data[:3])
        raise OSError("disk on fire")
    monkeypatch.setattr(wholefile, "_write_all", fails)
    try:
        wholefile.write_text(tmp_path / "f", "new contents")
    except OSError:
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["f"] and (tmp_path / "f").read_text() == "old"


def test_a_sigkill_in_the_middle_of_the_write_leaves_no_file_at_all(tmp_path):
    """A real SIGKILL of a real process after half the bytes: no file, no temporary one."""
    child = ("import os, signal, sys\n"
             "from harness import wholefile\n"
             "def half(fd, data):\n"
             "    os.write(fd, data[:len(data) // 2])\n"
             "    os.kill(os.getpid(), signal.SIGKILL)\n"
             "wholefile._write_all = half\n"
             "wholefile.write_bytes(sys.argv[1], b'x' * 1000000)\n")
    res = subprocess.run([sys.executable, "-c", child, str(tmp_path / "image.cpio")], cwd=PROJECT)
    assert res.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir()) == []


def test_without_o_tmpfile_a_renamed_temporary_file_is_used(tmp_path, monkeypatch):
    real_open = os.open

    def no_tmpfile(path, flags, *args):
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(95, "Operation not supported")
        return real_open(path, flags, *args)
    monkeypatch.setattr(os, "open", no_tmpfile)
    wholefile.write_text(tmp_path / "f", "text")
    assert [p.name for p in tmp_path.iterdir()] == ["f"] and (tmp_path / "f").read_text() == "text"

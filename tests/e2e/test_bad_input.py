"""Bad input and bad guests: one clear line, a non-zero exit, and no QEMU left behind."""

import os
import signal
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_unknown_arch(cli):
    res = cli("boot", "--arch", "riscv64")
    assert res.returncode == 2
    assert res.stderr.strip() == ("refpage-ci: error: unknown --arch 'riscv64': "
                                  "known arches are arm64, x86_64")


def test_tree_that_is_not_a_kernel_tree(cli, tmp_path):
    (tmp_path / "Makefile").write_text("all:\n")
    res = cli("boot", "--arch", "arm64", "--tree", tmp_path)
    assert res.returncode == 2
    assert f"--tree {tmp_path} is not a kernel tree" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_fragment_symbol_that_cannot_be_set_is_explained(cli, tmp_path):
    fragment = tmp_path / "no-pan.config"
    fragment.write_text("# CONFIG_ARM64_PAN is not set\n")
    res = cli("build", "--arch", "arm64", "--fragment", fragment, "--out", tmp_path / "out")
    assert res.returncode == 1
    assert "CONFIG_ARM64_MTE=y" in res.stderr
    assert "not set (is n): depends on ARM64_PAN (=n)" in res.stderr


def test_guest_panic_fails_shows_the_splat_and_ends_qemu(cli, tmp_path):
    built = cli("build", "--arch", "x86_64", "--out", tmp_path / "build")  # untimed: a cold build is minutes
    assert built.returncode == 0, built.stderr[-2000:]
    started = time.monotonic()
    res = cli("run", "--arch", "x86_64", "--out", tmp_path, "--", "sh", "-c", "echo c > /proc/sysrq-trigger")
    assert res.returncode != 0
    assert "Kernel panic - not syncing" in res.stderr
    assert "kernel splat (panic)" in res.stderr or "kernel splat (" in res.stderr
    assert time.monotonic() - started < 120  # panic=-1: QEMU ends at once, not at a timeout


def test_guest_hang_is_killed_at_the_timeout(cli, tmp_path):
    built = cli("build", "--arch", "arm64", "--out", tmp_path / "build")  # untimed: a cold build is minutes
    assert built.returncode == 0, built.stderr[-2000:]
    started = time.monotonic()
    res = cli("run", "--arch", "arm64", "--timeout", "20", "--out", tmp_path, "--", "sleep", "1000")
    took = time.monotonic() - started
    assert res.returncode == 124, res.stderr[-2000:]
    assert "timeout" in res.stderr
    assert took < 120  # --timeout 20, QEMU killed, not the 900 s default


def test_ctrl_c_stops_qemu(cli, tmp_path):
    proc = cli.popen("run", "--arch", "arm64", "--out", tmp_path, "--", "sleep", "1000")
    console = Path(tmp_path) / "console.log"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and "init ready" not in (console.read_text() if console.exists() else ""):
        time.sleep(0.5)
    assert proc.poll() is None, proc.communicate()
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted" in err


def test_doctor_names_the_missing_cross_compiler_package(cli, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for entry in Path(folder).glob("*") if Path(folder).is_dir() else []:
            if not entry.name.startswith("aarch64-linux-gnu-") and not (bin_dir / entry.name).exists():
                (bin_dir / entry.name).symlink_to(entry)
    res = cli("doctor", "--arch", "arm64", env=cli.env(PATH=str(bin_dir)))
    assert res.returncode == 1
    assert "missing  arm64: aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu" in res.stdout

"""A new arch is one folder, qemu_images/<arch>/ (machine.ini and base.config): no code changes."""

import platform
import shutil
import struct

import pytest

from harness import busybox, config, doctor, elf, kbuild, machine as machines, paths, qemu

RISCV = """\
[machine]
qemu = qemu-system-riscv64
package = qemu-system-misc
machine = virt
cpu = rv64
kvm_cpu = host
console = ttyS0
accel = tcg

[kernel]
arch = riscv
cross_compile = riscv64-linux-gnu-
cross_package = gcc-riscv64-linux-gnu
target = Image
image = arch/riscv/boot/Image

[host]
uname = riscv64
elf_machine = 243
busybox = {tools}/busybox-riscv64/bin/busybox
busybox_install = apt-get download busybox-static:riscv64 into {tools}/busybox-riscv64
vng_arch = riscv64
"""


@pytest.fixture
def images(tmp_path, monkeypatch):
    """The shipped qemu_images/ with a synthetic third arch beside arm64 and x86_64."""
    root = tmp_path / "qemu_images"
    shutil.copytree(paths.QEMU_IMAGES, root)
    (root / "riscv64").mkdir()
    (root / "riscv64" / "machine.ini").write_text(RISCV)
    (root / "riscv64" / "base.config").write_text("CONFIG_SERIAL_8250_CONSOLE=y\n")
    monkeypatch.setattr(paths, "QEMU_IMAGES", root)
    monkeypatch.setattr(paths, "tools_dir", lambda: tmp_path / "tools")
    return root


def test_the_third_arch_is_known_and_loads(images):
    assert machines.known_arches() == ["arm64", "riscv64", "x86_64"]
    m = machines.load("riscv64")
    assert (m.srcarch, m.compiler(), m.uname, m.vng_arch) == ("riscv", "riscv64-linux-gnu-gcc", "riscv64", "riscv64")


def test_the_doctor_names_its_compiler_qemu_and_busybox_packages(images):
    found = {f.what: f for f in doctor._arch_findings(machines.load("riscv64"))}
    assert found["riscv64: riscv64-linux-gnu-gcc"].fix == "apt-get install gcc-riscv64-linux-gnu"
    assert found["riscv64: qemu-system-riscv64"].fix == "apt-get install qemu-system-misc"
    assert found["riscv64: static busybox"].fix == \
        f"apt-get download busybox-static:riscv64 into {images.parent / 'tools'}/busybox-riscv64"
    assert ("riscv64: /dev/kvm" in found) == (platform.machine() == "riscv64")


def test_the_config_step_takes_its_base_config_and_its_make_arch(images):
    m = machines.load("riscv64")
    files = config.fragment_files(m)
    assert files == [images / "common.config", images / "riscv64" / "base.config"]
    assert "SERIAL_8250_CONSOLE" in {r.name for r in config.load_requests(files)}
    cmd = kbuild.make_command(kbuild.Site(m, "/t", "/b"), "olddefconfig")
    assert "ARCH=riscv" in cmd and "CROSS_COMPILE=riscv64-linux-gnu-" in cmd


def test_the_qemu_command_line_is_its_machine_and_its_kvm_variant(images):
    m = machines.load("riscv64")
    tcg = qemu.command(m, "/k", "/i", "tcg")
    assert tcg[:7] == ["qemu-system-riscv64", "-machine", "virt", "-cpu", "rv64", "-accel", "tcg"]
    assert "console=ttyS0" in tcg[-1]
    assert qemu.command(m, "/k", "/i", "kvm")[3:7] == ["-cpu", "host", "-accel", "kvm"]


def test_its_busybox_is_told_by_its_elf_machine(images, tmp_path):
    box = busybox.path("riscv64")
    box.parent.mkdir(parents=True)
    header = bytearray(64 + 56)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<H", header, 18, 243)
    struct.pack_into("<Q", header, 32, 64)
    struct.pack_into("<HH", header, 54, 56, 1)
    struct.pack_into("<I", header, 64, 1)
    box.write_bytes(bytes(header))
    assert elf.inspect(box) == ("riscv64", True)
    assert busybox.locate("riscv64") == box

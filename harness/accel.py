"""KVM or TCG: only a real boot tells whether KVM works on this host, so probe once and remember."""

import json
import os
import platform
import time

from . import paths, process, qemu, wholefile

PROBE_TIMEOUT = 30


def kvm_possible(machine):
    """KVM needs the guest arch to match the host's and /dev/kvm to open."""
    if machine.uname != platform.machine():
        return False, f"guest {machine.name} on a {platform.machine()} host"
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as exc:
        return False, f"/dev/kvm: {exc.strerror}"
    return True, ""


def choose(machine, forced, kernel, initrd, progress=print):
    """(accel, why) for this run: --accel wins, then the machine's own, then the probe."""
    if forced:
        return forced, "--accel"
    if machine.accel != "auto":
        return machine.accel, f"qemu_images/{machine.name}/machine.ini"
    ok, why = kvm_possible(machine)
    if not ok:
        return "tcg", why
    key = _probe_key(machine)
    cache = paths.cache_dir() / "accel-probe.json"
    known = _read(cache)
    if key not in known:
        progress(f"accel: probing KVM with a real boot ({PROBE_TIMEOUT}s at most)")
        known[key] = probe(machine, kernel, initrd)
        _write(cache, known)
    works, detail = known[key]
    return ("kvm", f"probe: {detail}") if works else ("tcg", f"KVM probe failed: {detail}")


def probe(machine, kernel, initrd):
    """Boot with KVM to the init's ready line; [works, detail]."""
    argv = qemu.command(machine, kernel, initrd, "kvm", mode="probe")
    started = time.monotonic()
    try:
        out = process.run(argv, timeout=PROBE_TIMEOUT).output
    except process.TimeoutExpired:
        return [False, f"no ready line within {PROBE_TIMEOUT}s"]
    if "refpage-ci: init ready" in out:
        return [True, f"booted in {time.monotonic() - started:.1f}s"]
    last = [l for l in out.splitlines() if l.strip()][-1:] or ["no output"]
    return [False, last[0][:160]]


def _probe_key(machine):
    version = process.run([machine.qemu, "--version"]).stdout
    return f"{machine.name}|{machine.cpu}|{version.splitlines()[0] if version else '?'}|{platform.release()}"


def _read(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    wholefile.write_text(path, json.dumps(data, indent=1))

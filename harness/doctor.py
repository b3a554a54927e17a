"""`refpage-ci doctor`: what is missing on this machine, and the command that installs it."""

import importlib.util
import os
import platform
import shutil
from pathlib import Path

from .findings import BUILD_TOOLS, HEADERS, Finding
from . import busybox, debian_source, distcc as distccs, machine as machines, tree, tree_catalogue

PYTHON_MODULES = ("pexpect", "kconfiglib", "jinja2", "fabric")


def _apt(pkg):
    return f"apt-get install {pkg}"


def check(arches):
    found = [Finding(cmd, shutil.which(cmd) is not None, _apt(pkg)) for cmd, pkg in BUILD_TOOLS]
    found += [Finding(path, Path(path).is_file(), _apt(pkg)) for path, pkg in HEADERS]
    found.append(Finding("ccache", shutil.which("ccache") is not None, _apt("ccache"), required=False))
    found += [Finding(f"python module {m}", importlib.util.find_spec(m) is not None,
                      "pip install -e . (in the project's venv)") for m in PYTHON_MODULES]
    found += tree_findings()
    for arch in arches:
        found += _arch_findings(machines.load(arch))
    return found


def tree_findings(apt=None):
    """The default tree, and how to have each debian:X.Y that is not cached."""
    apt = apt or debian_source.Apt()
    entries = tree_catalogue.entries(apt)
    found = []
    if tree.DEFAULT_VERSION not in [e.version for e in entries]:
        found.append(Finding(f"{tree.DEFAULT_NAME} (the default tree)", False,
                             _apt(debian_source.package_name(tree.DEFAULT_VERSION))))
    for e in entries:
        if e.checkout:
            found.append(Finding(f"{e.name} cached ({e.package or 'version not recorded'}, {e.checkout})", True))
        else:
            found.append(Finding(f"{e.name} not cached", False, f"`refpage-ci tree fetch {e.name}` ({e.how()})",
                                 required=False))
    if apt.lists_age() is None:
        found.append(Finding(f"package lists of {', '.join(debian_source.SUITES)}", False,
                             "`refpage-ci tree list --refresh` reads them (the debian:X.Y to be fetched)",
                             required=False))
    return found


def _arch_findings(m):
    cc = m.compiler()
    out = [Finding(f"{m.name}: {cc}", shutil.which(cc) is not None, _apt(m.cross_package)),
           Finding(f"{m.name}: {m.qemu}", shutil.which(m.qemu) is not None,
                   _apt(m.package))]
    try:
        out.append(Finding(f"{m.name}: static busybox ({busybox.locate(m.name)})", True))
    except Exception:
        out.append(Finding(f"{m.name}: static busybox", False, busybox.install_hint(m.name)))
    if m.uname == platform.machine():
        kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
        out.append(Finding(f"{m.name}: /dev/kvm", kvm, "TCG will be used (slower); KVM is never required",
                           required=False))
    return out


def distcc_findings(distcc, arches):
    """Each distcc host answers and compiles with each arch's compiler."""
    found = [Finding("distcc", shutil.which("distcc") is not None, _apt("distcc"))]
    for host in distcc.hosts:
        for arch in arches:
            cc = machines.load(arch).compiler()
            ok, why = distccs.probe(host, cc)
            found.append(Finding(f"distcc {host.label}: {cc}", ok,
                                 f"{why} (on that host: apt-get install distcc and the compiler's package, "
                                 "update-distcc-symlinks, distccd --allow <this machine>)"))
    return found


def report(arches, out=print, remote=None, distcc=None):
    """Print one line per check (and per build host's, with `remote`; per distcc host, with
    `distcc`); the exit status is 1 when something required is missing."""
    findings = check(arches)
    if distcc:
        findings += distcc_findings(distcc, arches)
    if remote:
        from .remote import doctor as remote_doctor  # fabric, only when a build host is named
        findings += remote_doctor.check(remote.hosts, [machines.load(a) for a in arches],
                                        remote.accept_new_host_key)
    for f in findings:
        out(f.line())
    missing = [f for f in findings if not f.ok and f.required]
    if missing:
        out(f"{len(missing)} missing; `bash harness/bootstrap.sh` installs everything")
    return 1 if missing else 0

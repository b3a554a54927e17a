"""Debian's linux-source-X.Y: the tarballs installed in /usr/src, and the packages of bookworm, sid
and experimental, found and downloaded through a private apt configuration in <cache>/apt so the
system's sources, pins, hooks and package state are never read for it nor written.
"""

import contextlib
import glob
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import debversion, lock, paths, process
from .errors import UserError

SUITES = ("bookworm", "sid", "experimental")
MIRROR = "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
LISTS_MAX_AGE = 24 * 3600
_NAME_RE = re.compile(r"^linux-source-(\d+\.\d+)$")
_NO_NETWORK_RE = re.compile(r"Could not resolve|Temporary failure resolving|Could not connect|Unable to connect|"
                            r"Network is unreachable|Connection timed out|Connection failed|No route to host")
# apt.conf.d's update hooks (PackageKit, appstream) would act on the system's state.
_NO_HOOKS = "".join(f"#clear APT::Update::{hook};\n" for hook in ("Pre-Invoke", "Post-Invoke",
                                                                   "Post-Invoke-Success"))


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    origin: str  # the suite it is downloaded from, or the installed tarball

    def __str__(self):
        return f"{self.name} {self.version}"


def package_name(version):
    return f"linux-source-{version}"


def tarball(version):
    return Path("/usr/src") / f"linux-source-{version}.tar.xz"


def version_of(name):
    """'7.3' from 'linux-source-7.3', else None."""
    match = _NAME_RE.match(name)
    return match.group(1) if match else None


def installed_versions():
    names = (Path(p).name[:-len(".tar.xz")] for p in glob.glob(str(tarball("*"))))
    return sorted(filter(None, map(version_of, names)), key=debversion.key)


def installed_package(version, run=process.run):
    """The installed tarball's package and version (dpkg's word), None when it is not installed."""
    source = tarball(version)
    if not source.is_file():
        return None
    res = run(["dpkg-query", "-W", "-f", "${Version}", package_name(version)])
    known = res.returncode == 0 and res.stdout.strip()
    return Package(package_name(version), res.stdout.strip() if known else "(not from dpkg)", str(source))


def parse_madison(text):
    """The Packages of `apt-cache madison` lines: 'name | version | mirror suite/component arch Packages'."""
    found = []
    for line in text.splitlines():
        fields = [f.strip() for f in line.split("|")]
        if len(fields) == 3 and len(fields[2].split()) >= 2:
            found.append(Package(fields[0], fields[1], fields[2].split()[1].split("/")[0]))
    return found


def highest(offers, name):
    """The highest version of `name` across the suites, or None."""
    mine = [p for p in offers if p.name == name]
    return max(mine, key=lambda p: debversion.key(p.version)) if mine else None


def _first_error(output):
    lines = [l[3:].strip() for l in output.splitlines() if l.startswith("E: ")]
    return lines[0] if lines else (output.strip().splitlines() or ["no output"])[-1]


class Apt:
    """apt-get and apt-cache with their own sources, lists and cache folder under <cache>/apt."""

    def __init__(self, root=None, run=process.run):
        self.root = Path(root) if root else paths.cache_dir() / "apt"
        self._run = run

    @property
    def lists(self):
        return self.root / "lists"

    @property
    def stamp(self):
        return self.root / "updated"

    def options(self):
        return ["-c", str(self.root / "apt.conf"),
                "-o", f"Dir::Etc::SourceList={self.root / 'sources.list'}",
                "-o", "Dir::Etc::SourceParts=/dev/null",
                "-o", f"Dir::State::Lists={self.lists}",
                "-o", f"Dir::Cache={self.root / 'cache'}",
                "-o", "Dir::Cache::pkgcache=pkgcache.bin",  # off in docker images: 2 s a query
                "-o", "Dir::Etc::Preferences=/dev/null",
                "-o", "Dir::Etc::PreferencesParts=/dev/null",
                "-o", "Dir::State::status=/dev/null"]

    def _prepare(self):
        (self.lists / "partial").mkdir(parents=True, exist_ok=True)
        (self.root / "cache").mkdir(parents=True, exist_ok=True)
        (self.root / "sources.list").write_text("".join(
            f"deb [signed-by={KEYRING}] {MIRROR} {suite} main\n" for suite in SUITES))
        (self.root / "apt.conf").write_text(_NO_HOOKS)

    @contextlib.contextmanager
    def locked(self):
        """One apt at a time on these lists (a second `apt-get update` would fail on apt's lock)."""
        with lock.held(self.root / ".lock"):
            yield

    def lists_age(self):
        """Seconds since the lists were read, None when there are none."""
        if not (self.stamp.is_file() and list(self.lists.glob("*_Packages*"))):
            return None
        return max(0.0, time.time() - self.stamp.stat().st_mtime)

    def update(self, progress):
        self._prepare()
        progress(f"tree: reading the package lists of {', '.join(SUITES)} from {MIRROR} "
                 f"(apt's own configuration in {self.root})")
        start = time.monotonic()
        res = self._apt("apt-get", "-q", "-o", "APT::Update::Error-Mode=any", "update")
        if res.returncode:
            self._fail(f"cannot read the package lists of {', '.join(SUITES)}", res)
        self.stamp.touch()
        progress(f"tree: package lists read in {time.monotonic() - start:.1f}s")

    def ensure_lists(self, progress):
        """Read the lists when missing or older than a day; True when they were read now."""
        age = self.lists_age()
        if age is not None and age < LISTS_MAX_AGE:
            return False
        self.update(progress)
        return True

    def offers(self, names):
        """Every version of these packages in the lists, with its suite."""
        if not names or self.lists_age() is None:
            return []
        res = self._apt("apt-cache", "madison", *names)
        return parse_madison(res.stdout) if res.returncode == 0 else []

    def versions(self):
        """The X.Y of every linux-source-X.Y in the lists."""
        if self.lists_age() is None:
            return []
        res = self._apt("apt-cache", "pkgnames", "linux-source-")
        return sorted(filter(None, map(version_of, res.stdout.split())), key=debversion.key)

    def download(self, package, folder, progress):
        """`apt-get download` of the package into folder; the .deb's path."""
        progress(f"tree: downloading {package} from {package.origin}")
        start = time.monotonic()
        res = self._apt("apt-get", "-q", "download", f"{package.name}={package.version}", cwd=folder)
        debs = list(Path(folder).glob(f"{package.name}_*.deb"))
        if res.returncode or not debs:
            self._fail(f"cannot download {package}", res)
        progress(f"tree: {debs[0].name}: {debs[0].stat().st_size / 1e6:.0f} MB in "
                 f"{time.monotonic() - start:.1f}s")
        return debs[0]

    def _apt(self, tool, *args, cwd=None):
        res = self._run([tool, *self.options(), *args], cwd=cwd)
        if res.returncode == 127 and res.stderr.endswith("command not found"):
            raise UserError(f"{tool} not found: Debian's apt is needed to fetch linux-source packages "
                            "(or pass --tree PATH)")
        return res

    def _fail(self, what, res):
        reason = _first_error(res.stderr + res.stdout)
        if _NO_NETWORK_RE.search(reason):
            raise UserError(f"{what}: no network? {MIRROR} is out of reach ({reason})")
        raise UserError(f"{what}: apt (configuration in {self.root}) failed: {reason}")


def available(apt):
    """Every X.Y to be had: installed tarballs and the lists' packages, lowest first."""
    return sorted(set(installed_versions()) | set(apt.versions()), key=debversion.key)


def locate(version, apt, progress):
    """The highest linux-source-<version> of the suites; the lists read again before saying none."""
    name = package_name(version)
    refreshed = apt.ensure_lists(progress)
    found = highest(apt.offers([name]), name)
    if found is None and not refreshed:
        apt.update(progress)
        found = highest(apt.offers([name]), name)
    if found is None:
        have = ", ".join(available(apt)) or "none"
        raise UserError(f"debian:{version}: no suite carries {name} ({', '.join(SUITES)} of {MIRROR}) and "
                        f"{tarball(version)} is not installed; available: {have}")
    return found


def extract(deb, folder, version, run=process.run):
    """The kernel tarball out of the .deb (`dpkg-deb -x` into folder)."""
    res = run(["dpkg-deb", "-x", deb, folder])
    inner = Path(folder) / tarball(version).relative_to("/")
    if res.returncode or not inner.is_file():
        raise UserError(f"{Path(deb).name}: no {tarball(version)} in it "
                        f"({res.stderr.strip() or 'dpkg-deb -x found nothing'})")
    return inner


@contextlib.contextmanager
def downloaded(version, progress, apt=None):
    """(tarball, Package) of the highest linux-source-<version>, in a temporary folder of the cache."""
    apt = apt or Apt()
    apt.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=apt.root, prefix=".fetch-") as tmp:
        with apt.locked():
            package = locate(version, apt, progress)
            deb = apt.download(package, tmp, progress)
        progress(f"tree: extracting {tarball(version).name} from {deb.name}")
        source = extract(deb, Path(tmp) / "x", version)
        deb.unlink()
        yield source, package

"""The Debian trees there are: installed tarballs, packages in the private apt lists, cached checkouts."""

from dataclasses import dataclass
from pathlib import Path

from . import debian_source, debversion, tree as trees


@dataclass(frozen=True)
class Entry:
    version: str
    checkout: Path = None                   # the cached checkout
    package: debian_source.Package = None   # what it was unpacked from
    installed: debian_source.Package = None
    offer: debian_source.Package = None     # the highest in the suites' lists

    @property
    def name(self):
        return f"debian:{self.version}"

    def source(self):
        """What `tree fetch` would unpack: the installed tarball, else the lists' highest."""
        return self.installed or self.offer

    def how(self):
        """'unpacks /usr/src/...' or 'downloads linux-source-7.3 7.3~rc7-1~exp1 from experimental'."""
        if self.installed:
            return f"unpacks {self.installed.origin}, {self.installed}"
        return f"downloads {self.offer} from {self.offer.origin}"

    def newer(self):
        """The source when it is newer than what the checkout was unpacked from."""
        have, can = self.package, self.source()
        if have and can and debversion.compare(can.version, have.version) > 0:
            return can
        return None


def entries(apt=None):
    """One Entry per X.Y that is cached, installed or in the lists, lowest first."""
    apt = apt or debian_source.Apt()
    listed = apt.versions()
    offers = apt.offers([debian_source.package_name(v) for v in listed])
    cached = set(trees.cached_versions())
    versions = sorted(cached | set(debian_source.installed_versions()) | set(listed), key=debversion.key)
    return [_entry(v, v in cached, offers) for v in versions]


def _entry(version, cached, offers):
    checkout = trees.checkout_dir(version) if cached else None
    return Entry(version, checkout, trees.recorded(checkout) if cached else None,
                 debian_source.installed_package(version),
                 debian_source.highest(offers, debian_source.package_name(version)))

"""The values the pipeline's phases return, each frozen: Configured -> Built -> Prepared.

A later value holds the earlier one and reads its fields through it
(`prep.machine` is `prep.built.configured.machine`); a phase that finds
something new returns a new value rather than changing one it was given.
"""

from dataclasses import dataclass
from pathlib import Path

from . import buildlock, initramfs
from .kbuild import Site


@dataclass(frozen=True)
class Configured:
    """A tree with its .config in the site's build folder, nothing built yet.

    `meta` (metadata.Metadata) is the exception to frozen: it is the run's
    log, metadata.json rewritten as each phase adds its fields and timings,
    not a phase's value; every later value shares this one.
    """
    site: Site                      # the machine, the tree, the local build folder (builddir.choose)
    out: Path                       # out/<command>-<arch>: logs, results
    busybox: Path
    meta: object
    requests: tuple = ()            # config.Request: what the .config was asked for

    machine = property(lambda self: self.site.machine)
    tree = property(lambda self: self.site.tree)
    build_dir = property(lambda self: self.site.build_dir)


@dataclass(frozen=True)
class Built:
    """A configured tree's kernel, built here or on a build host."""
    configured: Configured
    kernel: Path                    # the image QEMU boots
    build_dir: Path                 # where that image, the uapi headers and the .config are: the
                                    # configured folder, or a remote build's fetched one beside it

    machine = property(lambda self: self.configured.machine)
    tree = property(lambda self: self.configured.tree)
    out = property(lambda self: self.configured.out)
    busybox = property(lambda self: self.configured.busybox)
    meta = property(lambda self: self.configured.meta)
    requests = property(lambda self: self.configured.requests)

    @property
    def site(self):
        """Where the headers and .config are: this value's build_dir, not always the configured one."""
        return self.configured.site.at(self.build_dir)


@dataclass(frozen=True)
class Prepared:
    """A built kernel and the selftests built against its headers: all a boot needs."""
    built: Built
    selftests: tuple                # their binaries, in run order

    machine = property(lambda self: self.built.machine)
    tree = property(lambda self: self.built.tree)
    out = property(lambda self: self.built.out)
    busybox = property(lambda self: self.built.busybox)
    meta = property(lambda self: self.built.meta)
    kernel = property(lambda self: self.built.kernel)
    build_dir = property(lambda self: self.built.build_dir)
    site = property(lambda self: self.built.site)

    def image(self, progress=None, extra=()):
        """The initramfs: busybox, the selftests and `extra` ((guest path, local file) pairs)."""
        with buildlock.held(self.build_dir, progress):
            return initramfs.make(self.build_dir, self.busybox, self.selftests, extra, progress)

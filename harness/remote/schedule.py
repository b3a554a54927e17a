"""Several arches on several build hosts at once: each host builds one arch at a time, a host that
fails is named, and with --fallback-local its arch is built here instead (one local build at a time)."""

import queue
import threading
from collections import deque
from typing import NamedTuple

from ..errors import UserError
from .errors import HostFailed


class Tagged:
    """A shared Progress for one build: lines tagged with arch@host (none: untagged), writes serialized."""

    _lock = threading.Lock()

    def __init__(self, progress, tag=None):
        self.progress, self.prefix = progress, f"[{tag}] " if tag else ""

    def __call__(self, message):
        with self._lock:
            self.progress(self.prefix + message)

    def status(self, message):
        with self._lock:
            self.progress.status(self.prefix + message)


def run(jobs, remote_opts, on_host, here, progress):
    """Build every `(name, item)` of `jobs`: on_host(host, item, progress) on the hosts of `remote_opts`
    (options.RemoteOptions), or here(item, progress) when it says to fall back.

    Returns when every build has ended: what each build returned, in the
    order of `jobs`; or raises the first error, after saying the others.
    """
    return _Scheduler(remote_opts.hosts, on_host, here, remote_opts.fallback_local, progress).run(jobs)


class _Scheduler:
    def __init__(self, hosts, on_host, here, fallback, progress):
        self.idle, self.on_host, self.here = list(hosts), on_host, here
        self.fallback, self.progress = fallback, Tagged(progress)
        self.done, self.local_turn = queue.Queue(), threading.Lock()
        self.running, self.errors, self.results = 0, [], {}

    def run(self, jobs):
        pending = deque(_Job(i, name, item) for i, (name, item) in enumerate(jobs))
        while pending or self.running:
            while pending and self.idle:
                self._start(pending.popleft(), host=self.idle.pop(0))
            if pending and not self.running:  # every host has failed
                for job in pending:
                    self._here_or_error(job, None)
                pending.clear()
                continue
            self._settle(*self.done.get())
        if self.errors:
            for other in self.errors[1:]:
                self.progress(f"refpage-ci: also: {other}")
            raise self.errors[0]
        return [self.results[i] for i in range(len(jobs))]

    def _start(self, job, host=None):
        name, item = job.name, job.item
        tagged = Tagged(self.progress.progress, f"{name}@{host.label if host else 'here'}")

        def work():
            try:
                if host:
                    result = self.on_host(host, item, tagged)
                else:
                    with self.local_turn:
                        result = self.here(item, tagged)
                self.done.put((job, host, result, None))
            except BaseException as exc:  # handed to the main thread, raised there
                self.done.put((job, host, None, exc))

        self.progress(f"build: {name} on {host.label if host else 'this machine'}")
        self.running += 1
        threading.Thread(target=work, name=f"build-{name}", daemon=True).start()

    def _settle(self, job, host, result, exc):
        self.running -= 1
        if host and isinstance(exc, HostFailed):
            self._here_or_error(job, exc)  # the host is not given work again
            return
        if host:
            self.idle.append(host)
        if exc is not None:
            self.errors.append(exc)
        else:
            self.results[job.index] = result

    def _here_or_error(self, job, exc):
        if self.fallback:
            if exc:
                self.progress(f"{exc}; building {job.name} here instead (--fallback-local)")
            self._start(job)
        elif exc:
            self.errors.append(HostFailed(exc.host, f"{exc.reason}; --fallback-local builds {job.name} here instead"))
        else:
            self.errors.append(UserError(f"build: {job.name} was not built: every build host failed (see above); "
                                         "--fallback-local builds it here instead"))


class _Job(NamedTuple):
    index: int  # its place in `jobs`, where its result goes
    name: str
    item: object

"""distcc as the compile engine: which hosts, how many jobs, and which host stopped answering.

ccache stays in front (CCACHE_PREFIX=distcc): a hit never leaves this machine,
a miss is preprocessed here and compiled on a host. distcc compiles here any
job a host fails, so a dead host costs its jobs, not the build.
"""

import os
import re
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths, process
from .errors import UserError
from .remote import hostspec

DEFAULT_PORT = 3632
DEFAULT_SLOTS = 2
_HOST = re.compile(r"^(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?(?:/(?P<slots>\d{1,3}))?$")
_FAILED = re.compile(r"^distcc\[\d+\] .*ERROR: .*?(?P<host>\[?[A-Za-z0-9._:-]*[A-Za-z0-9.\]]:\d{1,5})\b(?P<rest>.*)$")
FORMAT = "HOST[:PORT][/SLOTS] (e.g. 127.0.0.1:3632/4)"


@dataclass(frozen=True)
class Host:
    host: str
    port: int = DEFAULT_PORT
    slots: int = DEFAULT_SLOTS

    @property
    def label(self):
        return f"{self.host}:{self.port}"

    @property
    def spec(self):
        return f"{self.host}:{self.port}/{self.slots}"


@dataclass(frozen=True)
class Distcc:
    hosts: tuple
    source: str     # where the hosts came from, for messages

    @property
    def slots(self):
        return sum(h.slots for h in self.hosts)

    def jobs(self):
        """Every remote slot busy, and the local cores preprocessing for them."""
        return self.slots + (os.cpu_count() or 1)

    def env(self):
        return {"DISTCC_HOSTS": " ".join(h.spec for h in self.hosts), "DISTCC_FALLBACK": "1",
                "DISTCC_DIR": str(state_dir())}


def state_dir():
    """distcc's lock and backoff files; distcc cannot make the folder's parents itself."""
    folder = paths.cache_dir() / "distcc"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def parse_host(text, where):
    m = _HOST.match(text.strip())
    if not m:
        raise UserError(f"{where}: {text!r} is not a distcc host; use {FORMAT}")
    port = int(m.group("port") or DEFAULT_PORT)
    slots = int(m.group("slots") or DEFAULT_SLOTS)
    if not 0 < port < 65536 or slots < 1:
        raise UserError(f"{where}: {text!r}: the port must be 1-65535 and the slots at least 1")
    return Host(m.group("host"), port, slots)


def parse_list(text, where):
    """Hosts separated by commas or spaces; each named once."""
    words = [w for w in re.split(r"[,\s]+", text.strip()) if w]
    if not words:
        raise UserError(f"{where}: name at least one distcc host, {FORMAT}")
    hosts = tuple(parse_host(w, where) for w in words)
    if len({h.label for h in hosts}) != len(hosts):
        raise UserError(f"{where}: a distcc host is named twice; name each once")
    return hosts


def configured():
    """The `distcc HOST[,HOST...]` line of the build-hosts file, if any."""
    path = hostspec.config_file()
    if not path.is_file():
        return None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        words = line.split("#", 1)[0].split(None, 1)
        if len(words) == 2 and words[0] == "distcc":
            return Distcc(parse_list(words[1], f"{path}:{number}"), f"{path}:{number}")
    return None


def resolve(cli_value=None, no_distcc=False, environ=None):
    """--distcc, else $DISTCC_HOSTS, else the build-hosts file; None for plain local compiles."""
    environ = os.environ if environ is None else environ
    if no_distcc:
        return None
    if cli_value:
        return Distcc(parse_list(cli_value, "--distcc"), "--distcc")
    if environ.get("DISTCC_HOSTS"):
        return Distcc(_from_env(environ["DISTCC_HOSTS"]), "$DISTCC_HOSTS")
    return configured()


def _from_env(value):
    """$DISTCC_HOSTS as distcc reads it; its options (,lzo), localhost and zeroconf are not ours to judge."""
    hosts = []
    for word in value.split():
        head = word.split(",", 1)[0]
        if head.startswith("-") or head.startswith("+") or head.split("/")[0] == "localhost":
            continue
        hosts.append(parse_host(head.split("@")[-1], "$DISTCC_HOSTS"))
    if not hosts:
        raise UserError("$DISTCC_HOSTS names no remote host; unset it or name hosts, " + FORMAT)
    return tuple(hosts)


class FailureWatch:
    """Reads build output; names each host distcc gave up on, once."""

    def __init__(self):
        self.failed = {}

    def feed(self, line):
        """The new warning line when `line` shows a host failing for the first time, else None."""
        m = _FAILED.match(line.strip())
        if not m or m.group("host") in self.failed:
            return None
        why = m.group("rest").strip(" :") or "failed"
        self.failed[m.group("host")] = why
        return f"distcc: host {m.group('host')} failed ({why}); its jobs compile here"


def probe(host, compiler, timeout=20):
    """Compile one tiny file on `host` only, no fallback: (ok, why)."""
    if shutil.which("distcc") is None:
        return False, "distcc is not installed (apt-get install distcc)"
    env = {"DISTCC_HOSTS": host.spec, "DISTCC_FALLBACK": "0", "DISTCC_BACKOFF_PERIOD": "0",
           "DISTCC_DIR": str(state_dir())}
    with tempfile.TemporaryDirectory(prefix="refpage-ci-distcc-") as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text("int refpage_ci_probe(void) { return 0; }\n")
        try:
            res = process.run(["distcc", compiler, "-c", source, "-o", Path(tmp) / "probe.o"],
                              timeout=timeout, env=env, cwd=tmp)
        except process.TimeoutExpired:
            return False, f"no answer in {timeout}s"
    if res.returncode == 0:
        return True, ""
    lines = [l for l in res.stderr.splitlines() if "ERROR" in l or "error" in l] or res.stderr.splitlines()
    return False, (lines[0].split("ERROR: ", 1)[-1] if lines else f"exit {res.returncode}")


class LocalDaemon:
    """A distccd on 127.0.0.1 with its own port and log, stopped with its workers (for tests and bench)."""

    def __init__(self, folder, slots=2):
        self.slots = slots
        self.port = _free_port()
        self.log = Path(folder) / f"distccd-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        # distccd drops root before it opens a --log-file; its stderr is opened here, as root
        with open(self.log, "w") as log:
            self.proc = process.start(
                ["distccd", "--daemon", "--no-detach", "--log-stderr", "--listen", "127.0.0.1",
                 "--port", self.port, "--allow", "127.0.0.1", "--jobs", slots, "--log-level", "info"],
                stdin=process.DEVNULL, stdout=log, stderr=log)
        self._wait_listening()

    def _wait_listening(self, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"distccd on 127.0.0.1:{self.port} did not listen; its log: {self.log}")

    @property
    def host(self):
        return Host("127.0.0.1", self.port, self.slots)

    def jobs(self):
        return self.log.read_text(errors="replace").count("COMPILE_OK")

    def stop(self, sig=signal.SIGTERM):
        """The daemon and its preforked workers: a dead parent alone would leave them serving."""
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        self.proc.wait(10)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

"""Build hosts: `[user@]host[:port]` from --build-host, or lines of the user's build-hosts file."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

_SPEC = re.compile(r"^(?:(?P<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@)?"
                   r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+))"
                   r"(?::(?P<port>\d{1,5}))?$")
_DIR = re.compile(r"^[A-Za-z0-9._/+@=-]+$")  # kbuild takes no spaces or colons in its paths
FILE_FORMAT = "one host a line: [user@]host[:port] [dir=PATH]"


@dataclass(frozen=True)
class HostSpec:
    host: str
    user: str = None
    port: int = None
    dir: str = None      # the host's folder for checkouts and builds; None: its cache

    @property
    def label(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{host}{port}"


def parse(text, where="--build-host"):
    """One `[user@]host[:port]`; a one-line UserError names what is wrong."""
    m = _SPEC.match(text.strip())
    if not m or m.group("host", "v6") == (None, None) or (m.group("host") or "").startswith("-"):
        raise UserError(f"{where} {text!r}: not [user@]host[:port] (e.g. builder@big-box:2222)")
    port = int(m.group("port")) if m.group("port") else None
    if port is not None and not 0 < port < 65536:
        raise UserError(f"{where} {text!r}: port {port} is not 1-65535")
    return HostSpec(host=m.group("v6") or m.group("host"), user=m.group("user"), port=port)


def parse_file(text, source):
    """The build-hosts file: `#` comments, blank lines, one host a line with an optional dir=PATH."""
    hosts = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words or words[0] == "distcc":  # the distcc line is harness.distcc's
            continue
        where = f"{source}:{number}:"
        spec = parse(words[0], where)
        for word in words[1:]:
            key, _, value = word.partition("=")
            if key != "dir" or not value:
                raise UserError(f"{where} unknown setting {word!r}; {FILE_FORMAT}")
            if not _DIR.match(value):
                raise UserError(f"{where} dir={value!r}: use a plain path (letters, digits, ._/+@=-), "
                                "the kernel build takes no spaces or colons")
            spec = HostSpec(spec.host, spec.user, spec.port, value)
        hosts.append(spec)
    return hosts


def config_file():
    """$XDG_CONFIG_HOME/refpage-ci/build-hosts (~/.config when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "refpage-ci" / "build-hosts"


def configured():
    path = config_file()
    return parse_file(path.read_text(), str(path)) if path.is_file() else []

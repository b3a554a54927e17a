"""What a kernel build needs on any machine, and one checked fact about a machine: shared by the
local doctor and the build hosts' (harness.remote.doctor), which import this, never each other."""

from dataclasses import dataclass

BUILD_TOOLS = (  # (command, Debian package)
    ("make", "make"), ("gcc", "gcc"), ("flex", "flex"), ("bison", "bison"), ("bc", "bc"),
    ("git", "git"), ("perl", "perl"),
)
HEADERS = (("/usr/include/libelf.h", "libelf-dev"), ("/usr/include/openssl/ssl.h", "libssl-dev"))


@dataclass(frozen=True)
class Finding:
    what: str
    ok: bool
    fix: str = ""
    required: bool = True

    def line(self):
        if self.ok:
            return f"ok       {self.what}"
        tag = "missing " if self.required else "optional"
        return f"{tag} {self.what}: {self.fix}"

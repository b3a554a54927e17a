"""What goes wrong with a build host, said in one line that names the host."""

from ..errors import UserError


class HostFailed(UserError):
    """The host could not take the build (unreachable, key, tools, git): another host or here can."""

    def __init__(self, host, message):
        super().__init__(f"build host {host.label}: {message}")
        self.host = host
        self.reason = message

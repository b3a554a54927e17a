"""The one exception type the command line turns into a one-line error."""


class UserError(Exception):
    """Bad input or a missing prerequisite: shown as one line, exit status 2."""

    exit_status = 2


class StageFailed(Exception):
    """A stage (config, build, boot) ran and failed: exit status 1.

    `detail` holds the lines worth showing (compiler errors, the console tail).
    """

    exit_status = 1

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.detail = detail

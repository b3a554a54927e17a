"""The exceptions the command line turns into a one-line error, and the stages a run goes through."""

import enum


class Stage(enum.Enum):
    """Which phase of a run failed: what callers decide on, never the wording of the message."""
    CONFIG = "config"
    BUILD = "build"
    SELFTESTS = "selftests"
    USER_TEST = "user test"
    IMAGE = "image"
    BOOT = "boot"


class UserError(Exception):
    """Bad input or a missing prerequisite: shown as one line, exit status 2."""

    exit_status = 2


class StageFailed(Exception):
    """A stage (config, build, boot) ran and failed: exit status 1.

    `detail` holds the lines worth showing (compiler errors, the console tail); `stage`, when
    the failure is one of a phase's own (make failed, not the disk), which one (a Stage).
    """

    exit_status = 1

    def __init__(self, message, detail="", stage=None):
        super().__init__(message)
        self.detail = detail
        self.stage = stage

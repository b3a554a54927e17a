"""Progress lines on the terminal: a rewritten status line on a tty, sparse lines otherwise."""

import sys
import time

from . import interrupt


class Progress:
    def __init__(self, stream=None, interval=10.0):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._status = False

    def __call__(self, message):
        """A step worth keeping on screen."""
        interrupt.check()
        self._clear()
        print(message, file=self.stream, flush=True)

    def status(self, message):
        """A transient status: redrawn on a tty, printed every `interval` s otherwise."""
        interrupt.check()
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r\033[K" + message[:150])
            self.stream.flush()
            self._status = True
        elif now - self._last >= self.interval:
            print(message, file=self.stream, flush=True)
            self._last = now

    def _clear(self):
        if self._status:
            self.stream.write("\r\033[K")
            self._status = False

"""A remote command's output as it arrives: every byte into the local log, every line to a callback."""

import threading


class LineSink:
    """File-like (write/flush) so fabric can stream into it; stdout and stderr may share it."""

    def __init__(self, log_file, on_line):
        self.log = log_file
        self.on_line = on_line
        self._partial = ""
        self._lock = threading.Lock()

    def write(self, data):
        with self._lock:
            self.log.write(data)
            *lines, self._partial = (self._partial + data).split("\n")
            for line in lines:
                self.on_line(line.rstrip("\r"))

    def flush(self):
        with self._lock:
            self.log.flush()

    def close(self):
        with self._lock:
            if self._partial:
                self.on_line(self._partial.rstrip("\r"))
                self._partial = ""
            self.log.flush()

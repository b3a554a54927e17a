"""What /proc says of a process, for the unit tests that start real ones."""


def alive(pid):
    """Running, not gone and not a zombie waiting for its parent."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False

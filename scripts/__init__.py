"""refpage-ci: the patch side (syscall tables, the series)."""

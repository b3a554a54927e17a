"""`refpage-ci regress`: the tree's own mm selftests on the base kernel and on the series, side by side."""

from .command import register

__all__ = ["register"]

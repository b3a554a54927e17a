"""`refpage-ci repro`: each review-thread bug put back by its bug patch, shown, then shown fixed."""

from .command import register

__all__ = ["register"]

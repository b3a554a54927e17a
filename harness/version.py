"""`refpage-ci --version`: the project's version, the series ports it carries and their bases."""

import argparse
from importlib import metadata


def text():
    from scripts.series import ports
    try:
        version = metadata.version("refpage-ci")
    except metadata.PackageNotFoundError:
        version = "(not installed: pip install -e .)"
    return "\n".join([f"refpage-ci {version}"] + [f"series port {p.name}: {p.base}" for p in ports.known()])


class Action(argparse.Action):
    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(text())
        parser.exit()

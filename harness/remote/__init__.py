"""Kernel builds on other machines over SSH (fabric): the tree goes there with git, the image comes back.

`options.add_arguments(parser)` and `options.from_args(args)` are the hooks a
command uses; `pipeline.prepare` does the rest when `Options.remote` is set.
"""

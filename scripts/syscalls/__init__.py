"""Syscall-table entries for a new syscall, rendered for every table a kernel tree has.

table      one `.tbl` file parsed into entries (pure)
unistd     the hand-written `__NR_` lists of older trees, parsed and edited (pure)
discover   which tables and lists a tree holds
numbering  the number to use, and the offset each table adds (pure)
layout     how a table aligns its columns (pure)
render     the new lines for each table, from the jinja2 templates (pure)
patch      edits as text, a git-style diff, writing them to a tree
headers    what the kernel's generated headers define (pure)
proof      run the kernel's own header generation and check it
command    `refpage-ci syscalls render`
"""

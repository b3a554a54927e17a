"""The wiring commit: the syscall's table entries, rendered for the tree at hand, committed."""

import re
import textwrap

from scripts.syscalls import discover, patch, render

NAME = "refpage_create"
ENTRY = "sys_refpage_create"
SUBJECT_RE = re.compile(r"^arch: wire up the (\w+) syscall$")


def subject(name=NAME):
    return f"arch: wire up the {name} syscall"


def is_wiring(subject_line):
    return bool(SUBJECT_RE.match(subject_line.strip()))


def message(plan, changes, signoffs=()):
    """A kernel-style commit message for the rendered entries (every line within 72 columns)."""
    lists = [c.path for c in changes if not c.path.endswith(".tbl")]
    body = (f"Add {plan.name} (entry point {plan.entry}) as syscall {plan.number} to the syscall "
            f"table of every architecture" + (f" and to {', '.join(lists)}." if lists else "."))
    reason = plan.choice.reason.strip().rstrip(".;") + "."
    lines = [subject(plan.name), ""]
    for paragraph in (body, f"The number is the base tree's own: {reason}",
                      "These entries are rendered for each base tree by `refpage-ci syscalls render` "
                      "rather than kept as a patch: the next free number depends on the base."):
        lines += textwrap.wrap(paragraph, 72, break_on_hyphens=False, break_long_words=False) + [""]
    lines += [f"Signed-off-by: {s}" for s in signoffs]
    return "\n".join(lines).rstrip("\n") + "\n"


def plan_for(tree, name=NAME, entry=ENTRY):
    """The rendered plan and the file changes for the tree (nothing written)."""
    plan = render.plan(discover.find_tables(tree), name, entry)
    return plan, patch.file_changes(tree, plan)


def commit(git, author, signoffs, name=NAME, entry=ENTRY):
    """Render the entries into git's tree and commit them; None when the tree already has them."""
    plan, changes = plan_for(git.tree, name, entry)
    if not changes:
        return None, plan
    patch.write(git.tree, changes)
    sha = git.commit_rendered([c.path for c in changes], message(plan, changes, signoffs), author, signoffs)
    return sha, plan

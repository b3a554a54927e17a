"""The patch series: apply it to a tree (with the syscall wiring rendered for that tree),
export it for `git send-email`, write an edited branch back, and check every patch.

b4 is the model: the series' state lives in git (the branch, its recorded base,
`base-commit:` in the export); a failed apply leaves the user's checkout as it was.
"""

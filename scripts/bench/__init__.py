"""`refpage-ci bench`: the v4 cover letter's table in the guest, and the tool's own speed."""

import pytest

from harness import boot
from harness.errors import UserError


class _P:
    def __init__(self, name):
        self.name = name


PROGRAMS = [_P("refpage"), _P("refpage_rt"), _P("refpage_mte")]


def test_every_program_by_default():
    assert boot.selftest_commands(PROGRAMS) == [("refpage", "/selftests/refpage"),
                                                ("refpage_rt", "/selftests/refpage_rt"),
                                                ("refpage_mte", "/selftests/refpage_mte")]


def test_one_program_one_test():
    assert boot.selftest_commands(PROGRAMS, ["refpage_rt"], ["rt_thp"]) == [
        ("refpage_rt", "/selftests/refpage_rt -t rt_thp")]


@pytest.mark.parametrize("only,tests,says", [(["nope"], None, "--only nope: no such selftest program"),
                                             (None, ["rt_thp"], "add --only PROGRAM")])
def test_bad_picks_are_one_line_errors(only, tests, says):
    with pytest.raises(UserError, match=says):
        boot.selftest_commands(PROGRAMS, only, tests)

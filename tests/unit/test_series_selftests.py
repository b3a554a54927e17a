import pytest

from harness.errors import UserError
from scripts.series import selftests, seriesfile

MAKEFILE = """TESTS := refpage refpage_rt
$(OUT)/refpage_rt: CFLAGS += $(MTE_CFLAGS)
"""
TREE_MAKEFILE = """TEST_GEN_FILES = cow
TEST_GEN_FILES += droppable

TEST_PROGS := run_vmtests.sh

include ../lib.mk
"""


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "selftests"
    folder.mkdir()
    (folder / "Makefile").write_text(MAKEFILE)
    (folder / "refpage.c").write_text('#include "kselftest_harness.h"\n#include "refpage_syscall.h"\n')
    (folder / "refpage_rt.c").write_text('#include "kselftest_harness.h"\n')
    (folder / "refpage_syscall.h").write_text("#define X 1\n")
    (folder / "bench").mkdir()
    return selftests.sources(folder)


@pytest.fixture
def tree(tmp_path):
    mm = tmp_path / "linux" / selftests.DEST
    mm.mkdir(parents=True)
    (mm / "Makefile").write_text(TREE_MAKEFILE)
    (mm / ".gitignore").write_text("cow\ndroppable\n")
    return tmp_path / "linux"


def test_sources_come_from_the_makefile(src):
    assert src.programs == ("refpage", "refpage_rt")
    assert src.mte == ("refpage_rt",)
    assert src.files == ("refpage.c", "refpage_rt.c", "refpage_syscall.h")


def test_shared_sources_are_linked_and_a_global_memtag_flag_covers_every_program(tmp_path):
    (tmp_path / "Makefile").write_text("TESTS := a b\nifeq ($(ARCH),arm64)\nCFLAGS += -march=armv8.5-a+memtag\nendif\n")
    for name in ("a.c", "b.c", "util.c", "util.h"):
        (tmp_path / name).write_text("")
    src = selftests.sources(tmp_path)
    assert src.shared == ("util.c",) and src.mte == ("a", "b")
    assert src.files == ("a.c", "b.c", "util.c", "util.h")
    out = selftests.makefile(TREE_MAKEFILE, src, "Makefile")
    assert out.endswith("include ../lib.mk\n\n$(OUTPUT)/a: util.c\n$(OUTPUT)/b: util.c\n\nifeq ($(ARCH),arm64)\n"
                        "$(OUTPUT)/a: CFLAGS += -march=armv8.5-a+memtag\n"
                        "$(OUTPUT)/b: CFLAGS += -march=armv8.5-a+memtag\nendif\n")


def test_a_listed_program_without_source_is_named(tmp_path):
    (tmp_path / "Makefile").write_text("TESTS := ghost\n")
    with pytest.raises(UserError, match="ghost"):
        selftests.sources(tmp_path)


def test_a_missing_makefile_or_tests_line_is_named(tmp_path):
    with pytest.raises(UserError, match=r"Makefile: no such file"):
        selftests.sources(tmp_path)
    (tmp_path / "Makefile").write_text("CFLAGS := -O2\n")
    with pytest.raises(UserError, match=r"no `TESTS := \.\.\.` line"):
        selftests.sources(tmp_path)


def test_the_projects_own_programs_are_listed_in_run_order():
    from harness import selftests as programs_of
    names = programs_of.programs()
    assert names[0] == "refpage" and "refpage_rt" in names and len(set(names)) == len(names)


def test_harness_include_round_trips():
    text = '#include "kselftest_harness.h"\n#include "kselftest.h"\n#include "refpage_util.h"\nint x;\n'
    assert selftests.to_tree(text) == ('#include "../kselftest_harness.h"\n#include "../kselftest.h"\n'
                                       '#include "refpage_util.h"\nint x;\n')
    assert selftests.from_tree(selftests.to_tree(text)) == text


def test_makefile_gets_programs_before_test_progs_and_mte_flags_on_arm64(src):
    out = selftests.makefile(TREE_MAKEFILE, src, "Makefile")
    assert "TEST_GEN_FILES += refpage\nTEST_GEN_FILES += refpage_rt\n\nTEST_PROGS := run_vmtests.sh" in out
    assert out.endswith("ifeq ($(ARCH),arm64)\n$(OUTPUT)/refpage_rt: CFLAGS += -march=armv8.5-a+memtag\nendif\n")
    assert selftests.makefile(out, src, "Makefile") == out


def test_makefile_without_anchor_is_refused(src):
    with pytest.raises(UserError, match="no TEST_PROGS line"):
        selftests.makefile("TEST_GEN_FILES = cow\n", src, "mm/Makefile")


def test_makefile_of_7x_lists_its_test_progs_one_by_one(src):
    tree = "TEST_GEN_FILES = cow\n\nTEST_PROGS += ksft_compaction.sh\nTEST_PROGS += ksft_cow.sh\n"
    out = selftests.makefile(tree, src, "Makefile")
    assert "TEST_GEN_FILES += refpage_rt\n\nTEST_PROGS += ksft_compaction.sh\nTEST_PROGS += ksft_cow.sh" in out


def test_changes_are_complete_then_empty_once_written(src, tree):
    todo = selftests.changes(tree, src)
    assert sorted(todo) == sorted(f"{selftests.DEST}/{n}" for n in
                                  ("refpage.c", "refpage_rt.c", "refpage_syscall.h", "Makefile", ".gitignore"))
    assert todo[f"{selftests.DEST}/refpage.c"].startswith('#include "../kselftest_harness.h"')
    assert todo[f"{selftests.DEST}/.gitignore"] == "cow\ndroppable\nrefpage\nrefpage_rt\n"
    for path, text in todo.items():
        (tree / path).write_text(text)
    assert selftests.changes(tree, src) == {}


def test_tree_without_mm_selftests_is_named(src, tmp_path):
    with pytest.raises(UserError, match="no mm selftests"):
        selftests.changes(tmp_path, src)


def test_message_names_the_programs_within_72_columns(src):
    text = selftests.message(src, ["A U Thor <a@example.org>"])
    assert text.splitlines()[0] == selftests.SUBJECT
    assert "refpage, refpage_rt" in text.replace("\n", " ")
    assert all(len(line) <= 72 for line in text.splitlines())
    assert text.rstrip().endswith("Signed-off-by: A U Thor <a@example.org>")


def test_series_file_marks_the_selftests_place():
    s = seriesfile.parse("0001-a.patch\n# syscall wiring\n# selftests: rendered\n0002-b.patch\n")
    assert [e.item for e in s.entries] == ["0001-a.patch", seriesfile.WIRING, seriesfile.SELFTESTS, "0002-b.patch"]
    assert s.patches == ("0001-a.patch", "0002-b.patch")
    assert seriesfile.parse(seriesfile.render([e.item for e in s.entries])).entries == tuple(
        seriesfile.Entry(e.name, i + 1, e.rendered) for i, e in enumerate(s.entries))


def test_a_second_selftests_line_is_refused():
    with pytest.raises(UserError, match="second selftests line"):
        seriesfile.parse("# selftests\n0001-a.patch\n# selftests again\n")

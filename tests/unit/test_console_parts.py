from harness import console, splats


def test_kernel_lines_are_told_from_userspace():
    lines = ["<6>[    1.000000] mm: hello", "ok 1 test", "<4>WARNING: CPU: 0 PID: 1 at mm/x.c:1",
             "# BUG: printed by a test"]
    user, kernel = splats.split_streams(lines)
    assert user == ["ok 1 test", "# BUG: printed by a test"]
    assert len(kernel) == 2


def test_splats_only_in_kernel_lines():
    lines = ["BUG: userspace says so", "<1>[   2.1] BUG: Bad page map in process t  pte:123",
             "<0>[   2.2] Kernel panic - not syncing: sysrq triggered crash", "<6>[ 2.3] all fine",
             "<3>[ 3.0] BUG: Bad rss-counter state mm:000 type:MM_ANONPAGES val:1",
             "<4>[ 3.1] ------------[ cut here ]------------"]
    found = splats.find(lines)
    assert [(s.kind, s.line_number) for s in found] == [("bug", 1), ("panic", 2), ("bug", 4), ("cut-here", 5)]
    assert "Bad page map" in found[0].excerpt(lines, before=0, after=1)


def test_every_pattern_matches_its_own_sample():
    samples = {
        "oops": "Internal error: Oops: 96000004 [#1] SMP", "kernel-bug": "kernel BUG at mm/refpage.c:10!",
        "kasan": "KASAN: use-after-free in f", "soft-lockup": "watchdog: BUG: soft lockup - CPU#0 stuck",
        "hung-task": "INFO: task t:1 blocked for more than 120 seconds.",
        "unable-to-handle": "Unable to handle kernel paging request at virtual address 0",
        "gpf": "general protection fault, probably for non-canonical address",
        "bad-page-state": "Bad page state in process t", "kfence": "KFENCE: out-of-bounds read",
    }
    for kind, text in samples.items():
        found = splats.find([f"<1>[ 1.0] {text}"])
        assert found, kind
        assert found[0].kind in (kind, "bug"), (kind, found[0].kind)


def test_transcript_splits_lines_across_writes(tmp_path):
    t = console.Transcript(tmp_path / "c.log")
    t.write(b"ab")
    t.write(b"c\r\nde")
    t.write(b"f\r\n<6>x")
    assert t.lines == ["abc", "def"]
    assert t.all_lines() == ["abc", "def", "<6>x"]
    t.close()
    assert (tmp_path / "c.log").read_bytes() == b"abc\r\ndef\r\n<6>x"


def test_transcript_keeps_the_bytes_and_decodes_the_lines(tmp_path):
    t = console.Transcript(tmp_path / "c.log")
    raw = b"bad \xff\xfe\xc3 nul \0 esc \x1b[2J\r\n" + b"x" * 300000 + b"\n"
    for i in range(0, len(raw), 4096):
        t.write(raw[i:i + 4096])
    t.close()
    assert (tmp_path / "c.log").read_bytes() == raw
    assert t.lines == ["bad \ufffd\ufffd\ufffd nul \0 esc \x1b[2J", "x" * 300000]


def test_the_live_echo_decodes_a_character_split_across_writes(tmp_path):
    import io
    live = io.StringIO()
    t = console.Transcript(tmp_path / "c.log", live)
    t.write("é".encode()[:1])
    t.write("é\n".encode()[1:])
    assert live.getvalue() == "é\n" and t.lines == ["é"]


def test_userspace_writes_to_kmsg_are_no_kernel_splat():
    lines = ["<12>[    3.0] WARNING: CPU: 0 PID: 1 at forged", "<14>Kernel panic - not syncing: forged"]
    assert splats.find(lines) == []
    assert splats.split_streams(lines) == (lines, [])


def test_a_kernel_record_printed_mid_line_is_split_from_the_program_text():
    lines = ["not ok 11 2GB mremap - Source PUD-aligned, Destination 1MB-aligned<4>__vm_enough_memory: pid: 493, "
             "comm: mremap_test, bytes: 2147483648 not enough memory for the allocation",
             "# waiting<1>[   9.1] BUG: Bad page map in process t  pte:1", "ok 2 a<b>c and x<4>", "<4> x"]
    user, kernel = splats.split_streams(lines)
    assert user == ["not ok 11 2GB mremap - Source PUD-aligned, Destination 1MB-aligned", "# waiting", "ok 2 a<b>c and x<4>"]
    assert kernel[0].startswith("<4>__vm_enough_memory: pid: 493") and kernel[1].startswith("<1>[   9.1] BUG:")
    assert [(s.kind, s.line_number) for s in splats.find(lines)] == [("bug", 1)]


def test_an_indented_call_trace_frame_printed_mid_line_is_split_too():
    """Seen under boot --parallel: another program's OOM report cut a TAP line with a frame."""
    line = "ok 26 refpage.byte.dontneed_restores_pattern<4> dump_backtrace+0xa0/0xdc"
    assert splats.split_line(line) == ("ok 26 refpage.byte.dontneed_restores_pattern", "<4> dump_backtrace+0xa0/0xdc")
    assert splats.split_line("ok 3 a<4>  b c") == ("ok 3 a", "<4>  b c")
    assert splats.split_line("ok 2 a<b>c and x<4>") == ("ok 2 a<b>c and x<4>", None)

"""Whatever bytes a guest program prints, the console and the TAP parser hold: the results are
what the program did, and console.log keeps the bytes as they came."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.e2e

GARBAGE = r'''
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

int main(void)
{
	static const char bad[] = "bad utf-8: \xff\xfe\xc3\x28 end\n";
	static const char nul[] = "nul: a\0b\0c\n";
	static char big[10 << 20];

	printf("TAP version 13\n1..3\n");
	printf("ok 1 before the garbage\n");
	fflush(stdout);
	fwrite(bad, 1, sizeof(bad) - 1, stdout);
	fwrite(nul, 1, sizeof(nul) - 1, stdout);
	printf("escapes: \033[2J\033[H\033]0;title\007\033[31mred\033[0m\033c\n");
	memset(big, 'x', sizeof(big) - 1);
	big[0] = '<';	/* not a kernel line either */
	puts(big);
	printf("not ok 2 after the garbage\n");
	printf("ok 3 the last \033[1mreal\033[0m test\n");
	printf("1..9\n");
	printf("ok 4 a test that does not exist\nok 5 nor this one\n");
	return 1;
}
'''


def leaves(node, path=()):
    path = path + (node["name"],)
    yield path, node
    for sub in node.get("subtests", []):
        yield from leaves(sub, path)


def test_garbage_from_the_guest_is_kept_and_judged(cli, tmp_path):
    src = tmp_path / "garbage.c"
    src.write_text(GARBAGE)
    out = tmp_path / "out"
    res = cli("run", "--arch", "arm64", "--out", out, "--test", src, "--json", tmp_path / "r.json",
              "--junit", tmp_path / "j.xml", timeout=1800)
    assert "Traceback" not in res.stderr, res.stderr[-3000:]
    assert res.returncode == 1, res.stdout[-2000:] + res.stderr[-3000:]
    (root,) = [r for r in json.loads((tmp_path / "r.json").read_text())["suites"]["arm64"]
               if r["name"] == "garbage"]
    by_number = {n["number"]: n for _, n in leaves(root) if n is not root}
    assert [by_number[i]["status"] for i in (1, 2, 3)] == ["PASS", "FAIL", "PASS"]
    assert root["status"] == "ERROR" and root["reason"] == "planned 3, got 5"
    assert [by_number[i]["status"] for i in (4, 5)] == ["ERROR", "ERROR"]
    log = (out / "console.log").read_bytes()
    for raw in (b"bad utf-8: \xff\xfe\xc3\x28 end", b"nul: a\0b\0c", b"\x1b]0;title\x07\x1b[31mred"):
        assert raw in log, raw
    assert re.search(rb"\n<x{%d}\r*\n" % ((10 << 20) - 2), log), "the 10 MB line, whole"
    summary = res.stdout[res.stdout.rindex("== arm64 =="):]
    assert "\x1b" not in summary and "\0" not in summary
    ET.parse(tmp_path / "j.xml")

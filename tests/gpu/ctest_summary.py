#!/usr/bin/env python3
"""Summarises CTest's JUnit report (ctest --output-junit): passed, failed and skipped counts,
every failed test, and every skipped test with the reason its output gives (a test skips by
printing "SKIP: why" and exiting 77, or with GTEST_SKIP() << why)."""
import re
import sys
import xml.etree.ElementTree as ET


def skip_reason(output):
    lines = [line.strip() for line in output.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("SKIP:"):
            return line[len("SKIP:"):].strip()
        if re.search(r"(^|: )Skipped$", line):  # GoogleTest: "file:line: Skipped", then the reason
            following = [l for l in lines[i + 1:] if l and not l.startswith("[")]
            if following:
                return following[0]
    return "no reason printed"


def main(path):
    try:
        cases = ET.parse(path).getroot().iter("testcase")
    except (OSError, ET.ParseError) as error:
        print(f"no test report ({error})")
        return 1
    passed, failed, skipped = [], [], []
    for case in cases:
        name = case.get("name")
        output = "".join(case.find("system-out").itertext()) if case.find("system-out") is not None else ""
        if case.find("failure") is not None or case.get("status") == "fail":
            failed.append(name)
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            skipped.append((name, skip_reason(output)))
        else:
            passed.append(name)
    print(f"{len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    for name in failed:
        print(f"- failed: {name}")
    for name, reason in skipped:
        print(f"- skipped: {name}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

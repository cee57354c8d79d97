#!/usr/bin/env python3
"""sections.py MAP CALLS...: the linker input sections that hold the
functions first_calls saw, in the order they were first entered, as
linker-script selectors, one a line, on stdout.

MAP is the GNU ld map (-Wl,-Map) of the build first_calls ran; each CALLS
file lists entry addresses in first-entered order. A section of one of
hexvm's objects becomes `*/src/DIR/FILE.o(.text.NAME)` (the build directory
left open); a member of an archive (libc.a, libm.a ...) becomes
`*libc.a:member.o(SECTION)`."""
import bisect
import re
import sys

SECTION = re.compile(r"^ (\.text\S*)\s*$")
PLACED = re.compile(r"^ (\.text\S*)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def input_sections(map_path):
    """(start, end, section, file) of every non-empty .text* input section."""
    found, pending = [], None
    with open(map_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = SECTION.match(line)
            if m:
                pending = m.group(1)  # a long name: its address is on the next line
                continue
            m = PLACED.match(line)
            name = (m.group(1) or pending) if m else None
            pending = None
            if not m or not name:
                continue
            start, size = int(m.group(2), 16), int(m.group(3), 16)
            if size:
                found.append((start, start + size, name, m.group(4).strip()))
    found.sort()
    return found


def selector(section, path):
    member = re.match(r"^.*/(lib[^/]*\.a)\((.*)\)$", path)
    if member:
        return f"*{member.group(1)}:{member.group(2)}({section})"
    src = re.search(r"/((?:src|gen)/.*\.o)$", path)
    if src:
        return f"*/{src.group(1)}({section})"
    return None


def main():
    sections = input_sections(sys.argv[1])
    starts = [s[0] for s in sections]
    seen = set()
    for calls in sys.argv[2:]:
        with open(calls, encoding="utf-8") as f:
            for line in f:
                addr = int(line, 16)
                k = bisect.bisect_right(starts, addr) - 1
                if k < 0 or addr >= sections[k][1]:
                    continue
                sel = selector(sections[k][2], sections[k][3])
                if sel and sel not in seen:
                    seen.add(sel)
                    print(sel)


if __name__ == "__main__":
    main()

"""Makes damaged copies of a good snapshot for the snapshot suite.

Usage: corrupt.py GOOD.snap OUTDIR [PREFIX]. Prints one line per file made: its path and
the phrase the one-line error restoring it must contain. The layout
(docs/snapshot-format.md): a 32-byte header (16-byte magic, version, flags, header
checksum), then sections of a 40-byte header (tag, flags, payload length, stored length,
head length, checksum) and the stored bytes. PREFIX names the files, so that the damaged
copies of a plain and of a compressed snapshot can lie side by side.
"""
import os
import struct
import sys

HEADER = 32
SECTION_HEADER = 40


def sections(data):
    at = HEADER
    while at + SECTION_HEADER <= len(data):
        tag = data[at:at + 4].decode("ascii", "replace")
        (stored,) = struct.unpack_from("<Q", data, at + 16)
        yield tag, at, stored
        if tag == "END!":
            return
        at += SECTION_HEADER + stored


def write(outdir, name, data, phrase):
    path = os.path.join(outdir, name + ".snap")
    with open(path, "wb") as f:
        f.write(data)
    print(path, phrase)


def flipped(data, at):
    copy = bytearray(data)
    copy[at] ^= 0x01
    return bytes(copy)


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    prefix = sys.argv[3] if len(sys.argv) > 3 else ""
    data = open(good, "rb").read()
    write(outdir, prefix + "empty", b"", "wrong magic")
    write(outdir, prefix + "magic", b"\x00" + data[1:], "wrong magic")
    version = bytearray(data)
    struct.pack_into("<I", version, 16, 99)
    write(outdir, prefix + "version", bytes(version), "version 99")
    header = bytearray(data)
    header[20] ^= 0x80
    write(outdir, prefix + "header", bytes(header), "corrupt header")
    write(outdir, prefix + "truncated_header", data[:20], "truncated")
    write(outdir, prefix + "truncated_half", data[: len(data) // 2], "truncated")
    write(outdir, prefix + "truncated_end", data[:-1], "truncated")
    seen = {}
    for tag, at, stored in sections(data):
        seen[tag] = seen.get(tag, 0) + 1
        name = "%s_%s_%d" % (prefix, tag.strip("!").lower(), seen[tag])
        # the payload length (a header field the checksum covers), in every section
        write(outdir, "hflip" + name, flipped(data, at + 8), "corrupt section " + tag)
        if stored:
            write(outdir, "flip" + name, flipped(data, at + SECTION_HEADER + stored // 2),
                  "corrupt section " + tag)
    print(os.path.join(outdir, prefix + "no_such_file.snap"), "No such file")


main()

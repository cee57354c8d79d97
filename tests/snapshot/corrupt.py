"""Makes damaged copies of a good uncompressed snapshot for the snapshot suite.

Usage: corrupt.py GOOD.snap OUTDIR. Prints one line per file made: its path and the phrase
the one-line error restoring it must contain. The layout (docs/snapshot-format.md): a
32-byte header (16-byte magic, version, flags, header checksum), then sections of a
24-byte header (tag, 4 zero bytes, length, checksum) and the payload.
"""
import os
import struct
import sys

HEADER = 32
SECTION_HEADER = 24


def sections(data):
    at = HEADER
    while at + SECTION_HEADER <= len(data):
        tag = data[at:at + 4].decode("ascii", "replace")
        (length,) = struct.unpack_from("<Q", data, at + 8)
        yield tag, at, length
        if tag == "END!":
            return
        at += SECTION_HEADER + length


def write(outdir, name, data, phrase):
    path = os.path.join(outdir, name + ".snap")
    with open(path, "wb") as f:
        f.write(data)
    print(path, phrase)


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    data = open(good, "rb").read()
    write(outdir, "empty", b"", "wrong magic")
    write(outdir, "magic", b"\x00" + data[1:], "wrong magic")
    version = bytearray(data)
    struct.pack_into("<I", version, 16, 99)
    write(outdir, "version", bytes(version), "version 99")
    header = bytearray(data)
    header[20] ^= 0x80
    write(outdir, "header", bytes(header), "corrupt header")
    write(outdir, "truncated_header", data[:20], "truncated")
    write(outdir, "truncated_half", data[: len(data) // 2], "truncated")
    write(outdir, "truncated_end", data[:-1], "truncated")
    seen = {}
    for tag, at, length in sections(data):
        if length == 0:
            continue
        seen[tag] = seen.get(tag, 0) + 1
        flipped = bytearray(data)
        flipped[at + SECTION_HEADER + length // 2] ^= 0x01
        name = "flip_%s_%d" % (tag.strip("!").lower(), seen[tag])
        write(outdir, name, bytes(flipped), "corrupt section " + tag)
    print(os.path.join(outdir, "no_such_file.snap"), "No such file")


main()

"""App icons drawn at build time (a speech bubble), so no binary image lives in the repository."""

from __future__ import annotations

import struct
import zlib

ACCENT = (31, 111, 235)
WHITE = (255, 255, 255)


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def icon(size: int) -> bytes:
    """A maskable icon: full-bleed accent square, white bubble inside the safe zone."""
    rows = []
    cx, cy, rx, ry = size * 0.5, size * 0.46, size * 0.3, size * 0.22
    for y in range(size):
        row = bytearray()
        for x in range(size):
            inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
            tail = (
                size * 0.36 <= x <= size * 0.46
                and cy + ry * 0.6 <= y <= size * 0.78
                and (x - size * 0.36) >= (y - (cy + ry * 0.6)) * 0.55
            )
            dot = any(
                ((x - dx) ** 2 + (y - cy) ** 2) <= (size * 0.035) ** 2
                for dx in (size * 0.38, size * 0.5, size * 0.62)
            )
            row += bytes(ACCENT if dot else WHITE if (inside or tail) else ACCENT)
        rows.append(bytes(row))
    return _png(size, size, rows)

"""Test files for the media tests, made on the spot (nothing binary is
checked in): PNGs written with zlib, JPEGs and videos made by ffmpeg, an
EXIF block with GPS coordinates and an orientation built by hand, and
hostile files (a polyglot, a decompression bomb, a truncated JPEG, a zip
with an image's name)."""
import io
import os
import struct
import subprocess
import tempfile
import zipfile
import zlib


def png(w, h, color=(200, 30, 30), bit_depth=8, gray=False):
    """An RGB (or 1-bit gray) PNG of one colour, its IDAT written row by row."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ctype = 0 if gray else 2
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, ctype, 0, 0, 0)
    if gray:
        row = b"\x00" + b"\x00" * ((w * bit_depth + 7) // 8)
    else:
        row = b"\x00" + bytes(color) * w
    z = zlib.compressobj(9)
    parts = []
    block = row * max(1, min(h, (1 << 22) // len(row)))
    rows_per = len(block) // len(row)
    left = h
    while left > 0:
        n = min(left, rows_per)
        parts.append(z.compress(block[: n * len(row)]))
        left -= n
    parts.append(z.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


def png_bomb():
    """50,000 x 50,000 pixels (2.5 gigapixels) in a few hundred kilobytes."""
    return png(50000, 50000, gray=True, bit_depth=1)


def ffmpeg(*args, timeout=120):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True,
                   timeout=timeout)


def jpeg(w, h, quality=5):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.jpg")
        ffmpeg("-f", "lavfi", "-i", f"testsrc=size={w}x{h}:rate=1", "-frames:v", "1",
               "-q:v", str(quality), out)
        with open(out, "rb") as f:
            return f.read()


def _ifd(entries, next_offset, base):
    """A TIFF IFD (little endian) at offset base; entries are
    (tag, type, count, value_bytes). Values longer than 4 bytes follow it."""
    head = struct.pack("<H", len(entries))
    extra = b""
    body = b""
    data_at = base + 2 + 12 * len(entries) + 4
    for tag, typ, count, val in entries:
        if len(val) <= 4:
            body += struct.pack("<HHI", tag, typ, count) + val.ljust(4, b"\x00")
        else:
            body += struct.pack("<HHII", tag, typ, count, data_at + len(extra))
            extra += val
    return head + body + struct.pack("<I", next_offset) + extra


def exif_gps(orientation=6):
    """An APP1 Exif segment: Orientation, a camera make and GPS coordinates."""
    make = b"SecretCam\x00"
    # IFD0 at 8: Make, Orientation, GPS IFD pointer; GPS IFD after it.
    ifd0_len = 2 + 12 * 3 + 4 + len(make)
    gps_at = 8 + ifd0_len
    ifd0 = _ifd([(0x010F, 2, len(make), make),
                 (0x0112, 3, 1, struct.pack("<H", orientation)),
                 (0x8825, 4, 1, struct.pack("<I", gps_at))], 0, 8)
    lat = struct.pack("<6I", 48, 1, 51, 1, 2964, 100)
    gps = _ifd([(0x0001, 2, 2, b"N\x00"), (0x0002, 5, 3, lat),
                (0x0003, 2, 2, b"E\x00"), (0x0004, 5, 3, lat)], 0, gps_at)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + gps
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_gps(w=64, h=32):
    j = jpeg(w, h)
    assert j[:2] == b"\xff\xd8"
    return j[:2] + exif_gps() + j[2:]


def jpeg_segments(data):
    """The marker bytes of a JPEG's segments up to the image data."""
    assert data[:2] == b"\xff\xd8"
    i, marks = 2, []
    while i + 4 <= len(data) and data[i] == 0xFF:
        m = data[i + 1]
        if m == 0xDA:
            break
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        marks.append((m, data[i + 4:i + 2 + n]))
        i += 2 + n
    return marks


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>" * 20)
    return buf.getvalue()


def polyglot():
    """A valid PNG with a zip archive glued after its end."""
    return png(16, 16) + zip_bytes()


def video(seconds=1, size="160x120", codec="libx264", extra=()):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "v.mp4")
        ffmpeg("-f", "lavfi", "-i", f"testsrc=size={size}:rate=25", "-f", "lavfi", "-i",
               "sine=frequency=440", "-t", str(seconds), "-c:v", codec, *extra,
               "-pix_fmt", "yuv420p", "-shortest", "-movflags", "+faststart", out)
        with open(out, "rb") as f:
            return f.read()


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def jpeg_size(data):
    i = 2
    while i < len(data):
        m = data[i + 1]
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + n
    raise AssertionError("no SOF")


def sound(fmt, codec, seconds=1):
    """A tone in container fmt encoded with codec, tagged with a title."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "a." + fmt)
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", codec,
               "-metadata", "title=SecretTitle", "-f", fmt, out)
        with open(out, "rb") as f:
            return f.read()


def image_size(data):
    """Width and height of any image ffprobe reads (a WebP preview)."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height",
                              "-of", "csv=p=0", f.name], check=True, capture_output=True,
                             text=True, timeout=60).stdout
    w, h = out.strip().split(",")[:2]
    return int(w), int(h)

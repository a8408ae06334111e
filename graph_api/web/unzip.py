"""Safe extraction of an uploaded bundle zip.

Refused: names that are absolute, contain ``..``, backslashes, drive letters or
NUL; symlinks and other special members; too many members; a declared total
above ``max_total`` bytes or a member compressed more than ``max_ratio`` times;
and, while extracting, more bytes than declared (headers can lie).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from graph_api.errors import InputError

CHUNK = 64 * 1024


def safe_extract(
    archive: Path, dest: Path, *, max_total: int, max_ratio: int, max_members: int
) -> Path:
    """Extract ``archive`` into ``dest`` and return the bundle folder inside it."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("the upload is not a zip file") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise InputError(f"the zip has more than {max_members} members")
        total = 0
        for info in infos:
            _check_name(info.filename)
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)  # 0 when the zip tool stored permissions only
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                raise InputError(f"{info.filename!r}: links and special files are refused")
            if info.flag_bits & 0x1:
                raise InputError("encrypted zips are refused")
            total += info.file_size
            if total > max_total:
                raise InputError(f"the zip would unpack to more than {max_total} bytes")
            if info.file_size > 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
                raise InputError(f"{info.filename!r} is compressed suspiciously well (zip bomb?)")
        written = 0
        root = dest.resolve()
        for info in infos:
            target = (dest / info.filename).resolve()
            if root not in target.parents and target != root:
                raise InputError(f"{info.filename!r} points outside the bundle")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "xb") as out:
                left = info.file_size
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    left -= len(chunk)
                    if left < 0 or written > max_total:
                        raise InputError("the zip holds more data than it declares")
                    out.write(chunk)
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _check_name(name: str) -> None:
    if not name or "\x00" in name or "\\" in name or len(name) > 255:
        raise InputError(f"bad member name {name[:80]!r}")
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise InputError(f"member {name[:80]!r} points outside the bundle")

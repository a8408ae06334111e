"""Safe extraction of an uploaded bundle zip.

Refused, before anything is unpacked: names that are absolute, contain ``..``,
backslashes, drive letters or NUL, or are too long (255 characters, or a part of
more than 255 bytes: the file system's limit); two members of one name (compared
without case, as the loader matches file names), or a file that is also a folder
of another member; symlinks and other special members; encrypted members; too many
members; a declared total above ``max_total`` bytes or a member compressed more
than ``max_ratio`` times. While unpacking: more bytes than declared (headers can
lie), a wrong CRC, corrupt or truncated data.

Every refusal is an :class:`InputError` (HTTP 400) that names the member as the zip
does, never a path of this machine; whatever else goes wrong while reading the zip
is one too.
"""

from __future__ import annotations

import errno
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from graph.errors import InputError

CHUNK = 64 * 1024
#: the longest file or folder name most file systems take, in bytes
NAME_BYTES = 255
#: what reading a broken zip can raise (a wrong CRC, corrupt or truncated data, lying
#: offsets, undecodable names, compression methods Python does not have)
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    ValueError,
    NotImplementedError,
)
#: what the file system answers to a name the checks above should have refused
REFUSED_BY_FILE_SYSTEM = {
    errno.ENAMETOOLONG,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.EEXIST,
    errno.EINVAL,
    errno.EILSEQ,
}


def safe_extract(
    archive: Path, dest: Path, *, max_total: int, max_ratio: int, max_members: int
) -> Path:
    """Extract ``archive`` into ``dest`` and return the bundle folder inside it."""
    try:
        zf = zipfile.ZipFile(archive)
    except (*DAMAGED, OSError) as exc:
        raise InputError("the upload is not a zip file") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise InputError(f"the zip has more than {max_members} members")
        _check_members(infos, max_total=max_total, max_ratio=max_ratio)
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        written = 0
        for info in infos:
            try:
                written = _extract(zf, info, root, written, max_total)
            except OSError as exc:
                if exc.errno not in REFUSED_BY_FILE_SYSTEM:
                    raise  # ours (disk full, permissions): not the upload's fault
                raise InputError(f"{info.filename[:80]!r} cannot be unpacked here") from exc
            except DAMAGED as exc:
                raise InputError(f"{info.filename[:80]!r}: the zip is damaged") from exc
        for info in infos:
            if info.filename.lower().endswith(WORKBOOK_SUFFIXES) and not info.is_dir():
                written = _check_workbook(
                    root / info.filename, info.filename, written, max_total, max_ratio, max_members
                )
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


#: Excel workbooks are zips themselves: the same limits apply to what they unpack to
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _check_workbook(
    path: Path, name: str, written: int, max_total: int, max_ratio: int, max_members: int
) -> int:
    """Hold an uploaded workbook's own zip to the upload's limits (members, declared and
    actual size within what is left of ``max_total``, compression ratio), reading it
    through once without keeping anything. A file that is not a zip is left to the
    loader, which reports it."""
    try:
        zf = zipfile.ZipFile(path)
    except (*DAMAGED, OSError):
        return written
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise InputError(f"{name[:80]!r}: the workbook has more than {max_members} parts")
        budget = max_total - written
        try:
            _check_members(infos, max_total=budget, max_ratio=max_ratio)
        except InputError as exc:
            raise InputError(f"{name[:80]!r} (a workbook): {exc}") from exc
        try:
            for info in infos:
                with zf.open(info) as src:
                    left = info.file_size
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        left -= len(chunk)
                        if left < 0 or written > max_total:
                            raise InputError(
                                f"{name[:80]!r}: the workbook holds more data than it declares"
                            )
        except DAMAGED as exc:
            raise InputError(f"{name[:80]!r}: the workbook is damaged") from exc
    return written


def _check_members(infos: list[zipfile.ZipInfo], *, max_total: int, max_ratio: int) -> None:
    total = 0
    seen: set[str] = set()  # every member's name, folded
    files: dict[str, str] = {}  # folded name -> name, of the members that are files
    folders: set[str] = set()  # folded names of folders, members or implied by one
    for info in infos:
        name = info.filename
        _check_name(name)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)  # 0 when the zip tool stored permissions only
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise InputError(f"{name[:80]!r}: links and special files are refused")
        if info.flag_bits & 0x1:
            raise InputError("encrypted zips are refused")
        total += info.file_size
        if total > max_total:
            raise InputError(f"the zip would unpack to more than {max_total} bytes")
        if info.file_size > 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise InputError(f"{name[:80]!r} is compressed suspiciously well (zip bomb?)")
        parts = PurePosixPath(name).parts
        key = "/".join(parts).casefold()
        if key in seen:
            raise InputError(f"two members are named {name[:80]!r}")
        seen.add(key)
        if not info.is_dir():
            files[key] = name
        for i in range(1, len(parts) + info.is_dir()):
            folders.add("/".join(parts[:i]).casefold())
    for key, name in files.items():
        if key in folders:
            raise InputError(f"{name[:80]!r} is both a file and a folder in the zip")


def _extract(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, written: int, max_total: int
) -> int:
    """Unpack one member under ``root``; the bytes written so far, with its own."""
    target = (root / info.filename).resolve()
    if root not in target.parents and target != root:
        raise InputError(f"{info.filename[:80]!r} points outside the bundle")
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return written
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, open(target, "xb") as out:
        left = info.file_size
        while chunk := src.read(CHUNK):
            written += len(chunk)
            left -= len(chunk)
            if left < 0 or written > max_total:
                raise InputError("the zip holds more data than it declares")
            out.write(chunk)
    return written


def _check_name(name: str) -> None:
    if not name or "\x00" in name or "\\" in name or len(name) > 255:
        raise InputError(f"bad member name {name[:80]!r}")
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise InputError(f"member {name[:80]!r} points outside the bundle")
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_BYTES for part in p.parts):
        raise InputError(f"member {name[:80]!r} has a name longer than {NAME_BYTES} bytes")

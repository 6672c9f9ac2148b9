"""The raw area's one writer: content-addressed payloads, atomic files and append-only lines.

Every file under raw/ is written here, through `write_atomic` (temp file in the same folder,
fsync, rename: a reader or a killed process never sees half a file) or `append_line` (one
O_APPEND write, fsynced: the journal and the manifest are append-only). A payload is archived
raw first, content-addressed under raw/<source>/<sha256>, and its manifest row appended to
raw/manifest.jsonl (`tasks.load.manifest` builds the row), so every load can be replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from tasks.core.settings import Settings, get_settings
from tasks.load.manifest import MANIFEST_FILE, manifest_row
from tasks.load.sql import WarehouseError

_APPEND_LOCK = threading.Lock()  # fetch threads archive concurrently; one line per write
_COPY_BLOCK = 8 * 1024 * 1024  # bytes per read when hashing or copying a file too big to hold
# The load journal, relative to the raw folder (tasks.load.journal writes it; it imports this
# module, so the path is spelled here too).
JOURNAL_PATH = Path("_packages") / "journal.jsonl"
PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """A file's sha256, streamed (archived files can be larger than memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_COPY_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def to_json_row(row: dict[str, object]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False, sort_keys=True)


def now() -> datetime:
    """The warehouse's clock: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def append_line(target: Path, line: str) -> None:
    """Append one line and fsync it: the journal and manifest of the raw area are append-only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    with _APPEND_LOCK:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)  # one write with O_APPEND: lines of two writers never interleave
            os.fsync(fd)
        except OSError as err:
            reason = f"{err.strerror} (appending to {target})"
            raise OSError(err.errno, reason, str(target)) from err
        finally:
            os.close(fd)


def write_atomic(
    target: Path,
    write: Callable[[BinaryIO], object],
    *,
    fsync: bool = True,
    mode: int | None = None,
) -> None:
    """Write `target` through `write(file)` into a temp file in the same folder, then rename, so
    readers never see half a file. Without `fsync` the caller syncs (one `os.sync` for many).
    The temp file is private (0600); `mode` sets the file's own before the rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with _temp_removed_on_error(tmp, target):
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)


@contextmanager
def _temp_removed_on_error(tmp: str, target: Path) -> Iterator[None]:
    """Writing `target` through the temp file `tmp`: on any error the temp file is removed, and
    an OSError that names no file (a write on a full disk) is raised again naming `target`."""
    try:
        yield
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if err.filename:
            raise
        # A write error (disk full) carries no file name by itself; the reader needs it.
        raise OSError(err.errno, f"{err.strerror or err} (writing {target})", str(target)) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def published_mode() -> int:
    """The mode of a published output (exports, the report): what `open()` or `cp` would give a
    new file, 0666 less the process's umask (0644 under the usual 022), instead of the temp
    file's private 0600."""
    return 0o666 & ~_umask()


def _umask() -> int:
    # Linux states it in /proc; elsewhere it can only be read by setting it (and putting it back
    # at once, though another thread creating a file in between would get the interim one).
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def atomic_write_bytes(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file."""
    write_atomic(target, lambda fh: fh.write(data), mode=mode)


def archive_bytes(folder: Path, data: bytes, digest: str, *, fsync: bool = True) -> Path:
    """`data` content-addressed as folder/<digest>, written once (a copy there is the same)."""
    target = folder / digest
    if not target.exists() and not _write_new(target, data, fsync):
        write_atomic(target, lambda fh: fh.write(data), fsync=fsync)
    return target


def _write_new(target: Path, data: bytes, fsync: bool) -> bool:
    """`write_atomic` for a content-addressed target, in half its time (a card directory
    archives 100,000 of them): the temp file is named by the target, this process and thread
    rather than drawn at random, and written unbuffered. False, having written nothing, when
    that name is taken (a killed run's leftover) or the folder is missing: `write_atomic` then
    writes it."""
    tmp = f"{target.parent}/.{target.name}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    except (FileExistsError, FileNotFoundError):
        return False
    with _temp_removed_on_error(tmp, target):
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    return True


def _source_folder(settings: Settings, source: str) -> Path:
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise WarehouseError(f"bad source id {source!r}")
    return settings.raw_path / source


@dataclass(frozen=True)
class Payload:
    """A fetched or read payload, archived under raw/<source>/<sha256>."""

    source: str
    url: str
    data: bytes
    sha256: str
    raw_path: Path
    content_type: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class ArchivedFile:
    """A file archived without being read whole into memory (its rows are scanned in place)."""

    source: str
    url: str
    sha256: str
    raw_path: Path
    size: int
    fetched_at: datetime  # as in its manifest line, which `footprints rebuild` replays
    content_type: str | None = PARQUET_CONTENT_TYPE
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


def manifest_line(raw_dir: Path, row: dict[str, object]) -> str:
    """A manifest row as its raw/manifest.jsonl line, with `journal_bytes`: how long the load
    journal was when the payload was archived. The journal only grows, so `footprints rebuild`
    refuses a journal shorter than any manifest line says it was (truncated, emptied)."""
    return manifest_lines(raw_dir, [row])


def manifest_lines(raw_dir: Path, rows: list[dict[str, object]]) -> str:
    """`manifest_line` of each row, one a line, the journal's length read once for all."""
    journal = raw_dir / JOURNAL_PATH
    size = journal.stat().st_size if journal.is_file() else 0
    return "\n".join(to_json_row({**row, "journal_bytes": size}) for row in rows)


def append_manifest(settings: Settings, entry: Payload | ArchivedFile) -> None:
    """The archived entry's manifest row, appended to raw/manifest.jsonl."""
    raw = settings.raw_path
    append_line(raw / MANIFEST_FILE, manifest_line(raw, manifest_row(entry)))


def archive_payload(
    source: str,
    url: str,
    data: bytes,
    *,
    settings: Settings | None = None,
    content_type: str | None = None,
    http_status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Payload:
    """Keep the payload content-addressed (raw first: every load can be replayed from it), and
    append its manifest row to raw/manifest.jsonl so meta_raw_manifest can be rebuilt."""
    settings = settings or get_settings()
    digest = sha256_bytes(data)
    target = archive_bytes(_source_folder(settings, source), data, digest)
    payload = Payload(
        source, url, data, digest, target, content_type, http_status, etag, last_modified, now()
    )
    append_manifest(settings, payload)
    return payload


def archive_file(source: str, url: str, path: Path, *, settings: Settings) -> ArchivedFile:
    """Like `archive_payload`, for a file too big to hold in memory: streamed hash,
    content-addressed copy (temp file + rename), manifest line."""
    folder = _source_folder(settings, source)
    sha = sha256_file(path)
    target = folder / sha
    if not target.exists():
        with path.open("rb") as src:
            write_atomic(target, lambda out: shutil.copyfileobj(src, out, _COPY_BLOCK))
    archived = ArchivedFile(source, url, sha, target, path.stat().st_size, now())
    append_manifest(settings, archived)
    return archived

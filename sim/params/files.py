"""Reading an input file safely: a regular file below a size limit, or a clear reason why not.

A FIFO would block for ever, ``/dev/zero`` would fill the memory, a symbolic link loop or a NUL byte
in a path would raise deep inside a library: every input file (scenario, ``extends`` target, locality
file, register, firms file) is opened here first, without blocking, and checked before it is read.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# assumption: the largest scenario or locality file written by hand is a few hundred kB; 16 MiB leaves room
TOML_LIMIT = 16 * 2**20
# assumption: a county register of 2 million persons with 30 columns is about 1 GB as CSV
REGISTER_LIMIT = 4 * 2**30


class InputFileError(Exception):
    """Why an input file cannot be read (`reason` completes "the file …": "is a FIFO, not a regular file")."""

    def __init__(self, reason: str, missing: bool = False):
        super().__init__(reason)
        self.reason, self.missing = reason, missing


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Raises
    ------
    InputFileError
        When the path holds a NUL byte, does not exist, is a symbolic link loop, is not a regular
        file (folder, FIFO, device, socket), is larger than `limit`, or cannot be read.
    """
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores the flag
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError:
        raise InputFileError("has a NUL byte in its path") from None
    except FileNotFoundError:
        raise InputFileError("file not found", missing=True) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputFileError("is a symbolic link loop") from None
        raise InputFileError(f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise InputFileError(f"is larger than the limit of {limit // 2**20:,} MiB ({info.st_size:,} bytes)")
        chunks, size = [], 0
        while size <= limit:                      # read to the end (a file may grow while it is read)
            chunk = os.read(fd, min(2**24, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputFileError(f"is larger than the limit of {limit // 2**20:,} MiB")
        return b"".join(chunks)
    except OSError as error:
        raise InputFileError(f"cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)


def safe_resolve(path: Path) -> Path:
    """`path.resolve()`, or the absolute path unchanged when it cannot be resolved (a link loop, a NUL byte)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path)) if "\0" not in str(path) else path

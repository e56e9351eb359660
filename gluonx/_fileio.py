"""Safe file reading and writing shared by every file gluonx saves or loads
(``mx.nd.save``/``load``, ``save_parameters``, ``export``, ``Symbol.save``,
``Trainer.save_states``/``load_states``).

Writing: :func:`write_atomic` writes a temporary file in the target's folder,
fsyncs it and renames it over the target (``os.replace``), so readers see the
old file or the new one, never a partial one.  Only a regular file (or
nothing) may sit at the target: a symlink, device, FIFO or directory is
refused before anything is written.  A replaced file keeps its permission
bits; a new file gets the mode ``open()`` would give it (0666 less the umask).

Reading: :func:`open_regular` opens a regular file only (never blocking on a
FIFO, never reading a device) and reports its size, so loaders can check
every declared length against the bytes really there before reading.
"""
from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO, Callable

from gluonx.base import MXNetError, MXNetFileNotFoundError, MXNetIOError, MXNetTypeError

__all__ = ["MXNetIOError", "MXNetFileNotFoundError", "fspath", "open_regular", "read_regular",
           "write_atomic"]


def fspath(fname, fn: str) -> str:
    """`fname` (str or os.PathLike of str) as a str; MXNetTypeError otherwise."""
    if isinstance(fname, (str, os.PathLike)):
        p = os.fspath(fname)
        if isinstance(p, str):
            return p
    raise MXNetTypeError("%s: fname must be a str or os.PathLike, got %s" % (fn, type(fname).__name__))


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _os_error(e: OSError, fn: str, action: str, path: str) -> MXNetIOError:
    cls = MXNetFileNotFoundError if isinstance(e, FileNotFoundError) else MXNetIOError
    return cls(e.errno, "%s: cannot %s %r: %s" % (fn, action, path, e.strerror or e), path)


# ---- reading ---------------------------------------------------------------------------

def open_regular(path, fn: str) -> tuple[BinaryIO, int]:
    """(binary file object, size in bytes) of the regular file `path`.

    Opened non-blocking so a FIFO cannot hang the open; anything but a regular
    file (after following symlinks) is refused with MXNetIOError."""
    path = fspath(path, fn)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise _os_error(e, fn, "read", path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise MXNetIOError(errno.EINVAL, "%s: cannot read %r: it is %s; only regular files can be "
                               "loaded" % (fn, path, _kind(st.st_mode)), path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return f, st.st_size


def read_regular(path, fn: str, max_bytes: int | None = None) -> bytes:
    """All bytes of the regular file `path` (its size read from fstat, so the
    read is bounded); MXNetIOError when it is larger than `max_bytes` or
    changes size while being read."""
    path = fspath(path, fn)
    f, size = open_regular(path, fn)
    with f:
        if max_bytes is not None and size > max_bytes:
            raise MXNetIOError(errno.EFBIG, "%s: %r is %d bytes, more than the %d this file kind may have"
                               % (fn, path, size, max_bytes), path)
        try:
            data = f.read(size)
            grown = f.read(1)
        except OSError as e:
            raise _os_error(e, fn, "read", path) from None
    if len(data) != size or grown:
        raise MXNetIOError(errno.EIO, "%s: %r changed size while being read" % (fn, path), path)
    return data


# ---- writing ---------------------------------------------------------------------------

def _check_target(path: str, fn: str):
    """The lstat of the regular file at `path` (None when nothing is there);
    MXNetIOError for anything else."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _os_error(e, fn, "write", path) from None
    if not stat.S_ISREG(st.st_mode):
        code = errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EEXIST
        raise MXNetIOError(code, "%s: refusing to write %r: it is %s, and only a regular file may be "
                           "replaced (nothing was written)" % (fn, path, _kind(st.st_mode)), path)
    return st


def write_atomic(fname, write: Callable[[Callable[[bytes], object]], None] | bytes, fn: str = "save") -> None:
    """Writes a file atomically: `write` is the bytes, or a function called
    with a ``write(chunk)`` callable.

    A temporary file in the same folder is written, fsynced and renamed over
    `fname`; on any failure (an error inside `write` included) the temporary
    file is removed and `fname` is untouched.  OSErrors become MXNetIOError
    naming the file."""
    path = fspath(fname, fn)
    st = _check_target(path, fn)
    folder, base = os.path.split(os.path.abspath(path))
    fd = tmp = None
    for _ in range(16):
        tmp = os.path.join(folder, ".%s.%s.tmp" % (base[:200], os.urandom(6).hex()))
        try:
            # 0o666: the kernel applies the umask (and default ACLs) as open() would
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                         | getattr(os, "O_NOFOLLOW", 0), 0o666)
            break
        except FileExistsError:
            continue
        except OSError as e:
            raise _os_error(e, fn, "write into the folder of", path) from None
    if fd is None:
        raise MXNetIOError(errno.EEXIST, "%s: cannot create a temporary file beside %r" % (fn, path), path)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(write, (bytes, bytearray, memoryview)):
                f.write(write)
            else:
                write(f.write)
            f.flush()
            if st is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), stat.S_IMODE(st.st_mode))   # keep the replaced file's mode
            os.fsync(f.fileno())
        _check_target(path, fn)   # again: something may have appeared at the target meanwhile
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not isinstance(e, MXNetError):
            raise _os_error(e, fn, "write", path) from None
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    """Makes the rename durable; best effort (not every platform or file
    system can open or fsync a folder)."""
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)

#!/usr/bin/python3
"""lazyfs.py: a FUSE file system that loses what was never fsynced, for power-loss tests (after Jepsen's LazyFS).

Run it with Debian's /usr/bin/python3 and python3-fusepy (libfuse2), as root:

    /usr/bin/python3 lazyfs.py mount   --backing DIR --mount MNT --log SIDE_LOG --control CTL_DIR
    /usr/bin/python3 lazyfs.py recover --backing DIR --log SIDE_LOG

The model
---------
* Every operation passes through to the backing directory DIR, except file data. Data written to a file (the
  ``write`` op, including the kernel's write-back of dirty mmap pages, and ``truncate`` growth) is kept in this
  process's memory, per file, as 4 KiB page images (a zero page as a marker) plus a logical size. Reads and
  ``getattr`` see the pending data. ``fsync``/``fdatasync`` of a file (``msync(MS_SYNC)`` arrives as ``fsync``)
  writes that file's pending pages to the backing file and ``os.fsync``s it. ``flush``/``release`` persist nothing.
  A simulated power loss is a ``SIGKILL`` of this process: everything pending is gone, the backing directory holds
  exactly what was fsynced.
* A directory entry created since its parent directory was last fsynced (``fsync`` on a directory handle reaches
  FUSE as ``fsyncdir``) is not durable. Creations, renames, removals and directory fsyncs are appended to SIDE_LOG
  (outside the backing directory) before the operation is answered; ``recover`` (run by ``mount`` before it mounts)
  replays the log and deletes every file or directory whose creation was never made durable, then empties the log.
  ``--dir-entries immediate`` turns this off: every directory entry is durable at once (data still is not).
* Control: CTL_DIR is watched by a thread. A file ``<name>.cmd`` holding a command is executed and answered with
  ``<name>.done`` (a JSON line):
    - ``lie``:   from now on fsync and fsyncdir return success and persist nothing; the answer is written once the
                 flag is set, so every fsync that starts after it is a lie;
    - ``sync``:  persist every pending page of every file and make every directory entry durable (what ``sync(1)`` or
                 a clean unmount does); used by a test to set a durable baseline;
    - ``stats``: counters only.
  ``CTL_DIR/mounted`` is written (with the pid) once the kernel has initialised the mount.
* A clean unmount (``umount MNT``: the ``destroy`` op) persists everything, as a real unmount does, unless lying.

Limits of the model (also in docs/reliability.md)
------------------------------------------------
* Unlink, rmdir, rename and truncate-shrink are applied to the backing directory at once and are durable at once;
  a rename is durable at once unless it moves an entry whose creation is not yet durable (the new name then stays
  not durable until its directory is fsynced); a rename over an existing file is durable at once.
* fsync persists every write this process has received for the file, not only the range an ``msync`` named (FUSE's
  fsync carries no range): pages the kernel had already written back to us are persisted too.
* Data is lost in whole writes as the kernel sent them to us (page granularity at best): no torn sectors, no
  reordering of writes below the page cache, no lying disk controller beyond the ``lie`` command.
* Metadata other than directory entries and sizes (modes, owners, times) is applied and durable at once.
* Zero pages beyond the backing file's end are persisted as a hole, zero pages inside it by punching a hole
  (both read back as zeros: the same content, not the same allocation).
"""

import argparse
import ctypes
import ctypes.util
import errno
import json
import os
import stat
import sys
import threading
import time
import traceback

try:
    from fusepy import FUSE, FuseOSError, Operations  # Debian's python3-fusepy
except ImportError:  # pragma: no cover - upstream's module name
    from fuse import FUSE, FuseOSError, Operations

PAGE = 4096
ZERO_PAGE = bytes(PAGE)
FALLOC_FL_KEEP_SIZE = 0x01
FALLOC_FL_PUNCH_HOLE = 0x02

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
_libc.fallocate.restype = ctypes.c_int


def log(msg):
    sys.stderr.write("%s lazyfs[%d] %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), os.getpid(), msg))
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------------------------
# The side log of directory-entry operations, and recovery from it
# ---------------------------------------------------------------------------------------------------------------

def parent_of(path):
    parent = os.path.dirname(path)
    return parent if parent else "/"


def under(path, prefix):
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def pending_creations(log_path):
    """Replays the side log: the paths whose directory entry is not durable."""
    pending = set()
    if not os.path.exists(log_path):
        return pending
    with open(log_path, "r", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue  # a line cut by the kill: its operation was never answered
            op = e["op"]
            if op == "create":
                pending.add(e["path"])
            elif op == "remove":
                pending = {p for p in pending if not under(p, e["path"])}
            elif op == "rename":
                src, dst = e["from"], e["to"]
                moved = {p for p in pending if under(p, src)}
                pending = {p for p in pending if not under(p, dst)} - moved
                src_pending = src in moved
                for p in moved:
                    if p == src:
                        if not e.get("replaced"):
                            pending.add(dst)
                    else:
                        pending.add(dst + p[len(src):])
                if not src_pending and not e.get("replaced"):
                    # a durable entry moved: durable at once (a limit of the model)
                    pass
            elif op == "syncdir":
                pending = {p for p in pending if parent_of(p) != e["path"]}
            elif op == "syncall":
                pending = set()
    return pending


def recover(backing, log_path):
    """Deletes the entries whose creation was never durable; empties the log. Returns the paths deleted."""
    pending = pending_creations(log_path)
    deleted = []
    # outermost first: deleting a directory deletes what was created in it
    for p in sorted(pending, key=lambda x: (x.count("/"), x)):
        if any(under(p, d) for d in deleted):
            continue
        full = os.path.join(backing, p.lstrip("/"))
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                for root, dirs, files in os.walk(full, topdown=False):
                    for name in files:
                        os.unlink(os.path.join(root, name))
                    for name in dirs:
                        d = os.path.join(root, name)
                        if os.path.islink(d):
                            os.unlink(d)
                        else:
                            os.rmdir(d)
                os.rmdir(full)
            elif os.path.lexists(full):
                os.unlink(full)
            else:
                continue
            deleted.append(p)
        except OSError as ex:
            log("recover: cannot delete %s: %s" % (p, ex))
    # the deletions must be durable before the log is emptied
    for d in {parent_of(p) for p in deleted}:
        fsync_dir(os.path.join(backing, d.lstrip("/")))
    with open(log_path, "w", encoding="utf-8") as f:
        f.flush()
        os.fsync(f.fileno())
    return deleted


def fsync_dir(full):
    try:
        fd = os.open(full, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------------------------
# Pending file data
# ---------------------------------------------------------------------------------------------------------------

class Pending:
    """A file's writes not yet fsynced: page index -> 4 KiB image (None: a zero page), and the logical size."""
    __slots__ = ("size", "pages")

    def __init__(self, size):
        self.size = size
        self.pages = {}


class LazyFS(Operations):
    use_ns = True

    def __init__(self, backing, side_log, control, dir_entries):
        self.root = os.path.realpath(backing)
        self.control = control
        self.strict_dirs = dir_entries == "strict"
        self.mutex = threading.RLock()
        self.pending = {}          # backing inode -> Pending
        self.handles = {}          # fh (backing fd) -> [inode, sync_on_write]
        self.lying = False
        self.side_log_fd = os.open(side_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.stats = {"writes": 0, "bytes_written": 0, "fsyncs": 0, "fsyncdirs": 0, "lies": 0,
                      "pages_persisted": 0, "creations": 0}

    # -- helpers ---------------------------------------------------------------------------------------------------

    def full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def note(self, entry):
        """Appends one entry to the side log before the operation is answered (a write(2): survives our SIGKILL)."""
        os.write(self.side_log_fd, (json.dumps(entry) + "\n").encode("utf-8"))

    def pending_for(self, ino, fd):
        p = self.pending.get(ino)
        if p is None:
            p = Pending(os.fstat(fd).st_size)
            self.pending[ino] = p
        return p

    def logical_size(self, ino, backing_size):
        p = self.pending.get(ino)
        return p.size if p is not None else backing_size

    def persist(self, ino, fd):
        """Writes a file's pending pages to the backing file and fsyncs it."""
        p = self.pending.pop(ino, None)
        if p is not None:
            backing_size = os.fstat(fd).st_size
            if p.size > backing_size:
                os.ftruncate(fd, p.size)
            run_start = None
            run = []
            zero_start = None
            zero_end = None
            for idx in sorted(p.pages):
                image = p.pages[idx]
                off = idx * PAGE
                if off >= p.size:
                    continue
                if image is None:
                    if off >= backing_size:
                        continue  # beyond the old end: the ftruncate above made it a hole already
                    self.flush_run(fd, run_start, run, p.size)
                    run_start, run = None, []
                    if zero_end == off:
                        zero_end = min(off + PAGE, p.size)
                    else:
                        self.punch(fd, zero_start, zero_end)
                        zero_start, zero_end = off, min(off + PAGE, p.size)
                    continue
                self.punch(fd, zero_start, zero_end)
                zero_start = zero_end = None
                if run_start is not None and run_start + len(run) * PAGE == off:
                    run.append(image)
                else:
                    self.flush_run(fd, run_start, run, p.size)
                    run_start, run = off, [image]
            self.flush_run(fd, run_start, run, p.size)
            self.punch(fd, zero_start, zero_end)
            self.stats["pages_persisted"] += len(p.pages)
        os.fsync(fd)

    @staticmethod
    def flush_run(fd, start, run, size):
        if start is None or not run:
            return
        data = b"".join(run)
        if start + len(data) > size:
            data = data[:size - start]
        view = memoryview(data)
        at = start
        while view:
            n = os.pwrite(fd, view, at)
            view = view[n:]
            at += n

    @staticmethod
    def punch(fd, start, end):
        if start is None or end <= start:
            return
        if _libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, end - start) != 0:
            data = bytes(end - start)
            os.pwrite(fd, data, start)

    def persist_all(self):
        """sync(1): every pending page of every file, every directory entry."""
        by_ino = {}
        for root, dirs, files in os.walk(self.root):
            for name in files:
                full = os.path.join(root, name)
                try:
                    st = os.lstat(full)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    by_ino.setdefault(st.st_ino, full)
        for ino in list(self.pending):
            full = by_ino.get(ino)
            if full is None:
                self.pending.pop(ino, None)  # unlinked
                continue
            fd = os.open(full, os.O_RDWR)
            try:
                self.persist(ino, fd)
            finally:
                os.close(fd)
        os.sync()
        self.note({"op": "syncall"})

    # -- control ---------------------------------------------------------------------------------------------------

    def control_loop(self):
        while True:
            try:
                for name in sorted(os.listdir(self.control)):
                    if name.endswith(".cmd"):
                        self.control_command(name[:-4])
            except Exception:  # keep watching whatever happens
                log("control: " + traceback.format_exc())
            time.sleep(0.005)

    def control_command(self, name):
        cmd_file = os.path.join(self.control, name + ".cmd")
        with open(cmd_file, "r", encoding="utf-8") as f:
            cmd = f.read().strip()
        answer = {"command": cmd}
        with self.mutex:
            if cmd == "lie":
                self.lying = True
                log("lying about fsync from now on")
            elif cmd == "sync":
                self.persist_all()
            elif cmd != "stats":
                answer["error"] = "unknown command"
            answer.update(self.stats)
            answer["lying"] = self.lying
            answer["pending_files"] = len(self.pending)
            answer["pending_pages"] = sum(len(p.pages) for p in self.pending.values())
        tmp = os.path.join(self.control, name + ".done.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(answer) + "\n")
        os.rename(tmp, os.path.join(self.control, name + ".done"))
        os.unlink(cmd_file)

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def init(self, path):
        t = threading.Thread(target=self.control_loop, name="control", daemon=True)
        t.start()
        with open(os.path.join(self.control, "mounted"), "w", encoding="utf-8") as f:
            f.write("%d\n" % os.getpid())
        log("mounted")

    def destroy(self, path):
        with self.mutex:
            if not self.lying:
                self.persist_all()
        log("unmounted cleanly: %s" % json.dumps(self.stats))

    # -- metadata --------------------------------------------------------------------------------------------------

    def getattr(self, path, fh=None):
        with self.mutex:
            if fh is not None and fh.fh in self.handles:
                st = os.fstat(fh.fh)
            else:
                try:
                    st = os.lstat(self.full(path))
                except OSError as ex:
                    raise FuseOSError(ex.errno)
            size = self.logical_size(st.st_ino, st.st_size) if stat.S_ISREG(st.st_mode) else st.st_size
            return {
                "st_mode": st.st_mode, "st_ino": st.st_ino, "st_nlink": st.st_nlink, "st_uid": st.st_uid,
                "st_gid": st.st_gid, "st_size": size, "st_blksize": st.st_blksize,
                "st_blocks": max(st.st_blocks, (size + 511) // 512) if stat.S_ISREG(st.st_mode) else st.st_blocks,
                "st_atime": st.st_atime_ns, "st_mtime": st.st_mtime_ns, "st_ctime": st.st_ctime_ns,
                "st_rdev": st.st_rdev,
            }

    def access(self, path, amode):
        if not os.path.lexists(self.full(path)):
            raise FuseOSError(errno.ENOENT)
        return 0

    def readdir(self, path, fh):
        try:
            return [".", ".."] + os.listdir(self.full(path))
        except OSError as ex:
            raise FuseOSError(ex.errno)

    def opendir(self, path):
        if not os.path.isdir(self.full(path)):
            raise FuseOSError(errno.ENOTDIR)
        return 0

    def releasedir(self, path, fh):
        return 0

    def fsyncdir(self, path, datasync, fh):
        with self.mutex:
            self.stats["fsyncdirs"] += 1
            if self.lying:
                self.stats["lies"] += 1
                return 0
            fsync_dir(self.full(path))
            self.note({"op": "syncdir", "path": path})
            return 0

    def readlink(self, path):
        return os.readlink(self.full(path))

    def statfs(self, path):
        sv = os.statvfs(self.root)
        return {k: getattr(sv, k) for k in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files",
                                            "f_ffree", "f_favail", "f_flag", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self.full(path), mode)
        return 0

    def chown(self, path, uid, gid):
        os.lchown(self.full(path), uid, gid)
        return 0

    def utimens(self, path, times=None):
        os.utime(self.full(path), ns=times, follow_symlinks=False)
        return 0

    # -- directory entries -----------------------------------------------------------------------------------------

    def created(self, path):
        self.stats["creations"] += 1
        if self.strict_dirs:
            self.note({"op": "create", "path": path})

    def mkdir(self, path, mode):
        with self.mutex:
            self.created(path)
            os.mkdir(self.full(path), mode)
            return 0

    def mknod(self, path, mode, dev):
        with self.mutex:
            self.created(path)
            os.mknod(self.full(path), mode, dev)
            return 0

    def symlink(self, target, source):
        with self.mutex:
            self.created(target)
            os.symlink(source, self.full(target))
            return 0

    def link(self, target, source):
        with self.mutex:
            self.created(target)
            os.link(self.full(source), self.full(target))
            return 0

    def unlink(self, path):
        with self.mutex:
            full = self.full(path)
            st = os.lstat(full)
            os.unlink(full)
            self.note({"op": "remove", "path": path})
            if st.st_nlink <= 1 and not any(h[0] == st.st_ino for h in self.handles.values()):
                self.pending.pop(st.st_ino, None)
            return 0

    def rmdir(self, path):
        with self.mutex:
            os.rmdir(self.full(path))
            self.note({"op": "remove", "path": path})
            return 0

    def rename(self, old, new):
        with self.mutex:
            full_new = self.full(new)
            replaced = os.path.lexists(full_new)
            replaced_ino = None
            if replaced:
                st = os.lstat(full_new)
                if st.st_nlink <= 1:
                    replaced_ino = st.st_ino
            os.rename(self.full(old), full_new)
            self.note({"op": "rename", "from": old, "to": new, "replaced": replaced})
            if replaced_ino is not None and not any(h[0] == replaced_ino for h in self.handles.values()):
                self.pending.pop(replaced_ino, None)
            return 0

    # -- files -----------------------------------------------------------------------------------------------------

    @staticmethod
    def backing_flags(flags):
        keep = flags & (os.O_NOFOLLOW | getattr(os, "O_NOATIME", 0))
        return os.O_RDWR | keep

    def opened(self, fd, fi):
        st = os.fstat(fd)
        sync_writes = bool(fi.flags & (os.O_SYNC | os.O_DSYNC))
        self.handles[fd] = [st.st_ino, sync_writes]
        fi.fh = fd
        fi.keep_cache = 1  # only this process changes the backing files: the kernel's cache stays valid
        fi.direct_io = 0
        if fi.flags & os.O_TRUNC:
            self.truncate_ino(st.st_ino, fd, 0)

    def open(self, path, fi):
        with self.mutex:
            full = self.full(path)
            try:
                fd = os.open(full, self.backing_flags(fi.flags))
            except OSError as ex:
                if ex.errno in (errno.EACCES, errno.EISDIR):
                    fd = os.open(full, os.O_RDONLY)
                else:
                    raise FuseOSError(ex.errno)
            self.opened(fd, fi)
            return 0

    def create(self, path, mode, fi):
        with self.mutex:
            full = self.full(path)
            existed = os.path.lexists(full)
            if not existed:
                self.created(path)
            flags = os.O_RDWR | os.O_CREAT | (fi.flags & os.O_EXCL)
            try:
                fd = os.open(full, flags, mode)
            except OSError as ex:
                raise FuseOSError(ex.errno)
            if not existed:
                self.pending.pop(os.fstat(fd).st_ino, None)  # a reused inode number of a deleted file
            self.opened(fd, fi)
            return 0

    def read(self, path, size, offset, fi):
        with self.mutex:
            fd = fi.fh
            ino = self.handles[fd][0]
            p = self.pending.get(ino)
            if p is None:
                return os.pread(fd, size, offset)
            end = min(offset + size, p.size)
            if end <= offset:
                return b""
            data = os.pread(fd, end - offset, offset)
            if not p.pages:
                if len(data) < end - offset:
                    data += bytes(end - offset - len(data))
                return data
            buf = bytearray(data)
            if len(buf) < end - offset:
                buf.extend(bytes(end - offset - len(buf)))
            first = offset // PAGE
            last = (end - 1) // PAGE
            pages = p.pages
            for idx in range(first, last + 1):
                if idx not in pages:
                    continue
                image = pages[idx]
                page_off = idx * PAGE
                lo = max(page_off, offset)
                hi = min(page_off + PAGE, end)
                if image is None:
                    buf[lo - offset:hi - offset] = bytes(hi - lo)
                else:
                    buf[lo - offset:hi - offset] = image[lo - page_off:hi - page_off]
            return bytes(buf)

    def write(self, path, data, offset, fi):
        with self.mutex:
            fd = fi.fh
            handle = self.handles[fd]
            ino = handle[0]
            p = self.pending_for(ino, fd)
            pages = p.pages
            n = len(data)
            end = offset + n
            pos = offset
            mv = memoryview(data)
            while pos < end:
                idx = pos // PAGE
                page_off = idx * PAGE
                lo = pos - page_off
                hi = min(PAGE, end - page_off)
                chunk = mv[pos - offset:pos - offset + (hi - lo)]
                if lo == 0 and hi == PAGE:
                    image = bytes(chunk)
                    pages[idx] = None if image == ZERO_PAGE else image
                else:
                    if idx in pages:
                        old = pages[idx]
                        base = ZERO_PAGE if old is None else old
                    else:
                        base = self.page_image(fd, page_off, p.size)
                    image = bytearray(base)
                    image[lo:hi] = chunk
                    image = bytes(image)
                    pages[idx] = None if image == ZERO_PAGE else image
                pos = page_off + hi
            if end > p.size:
                p.size = end
            self.stats["writes"] += 1
            self.stats["bytes_written"] += n
            if handle[1]:
                self.sync_file(ino, fd)
            return n

    @staticmethod
    def page_image(fd, page_off, logical_size):
        """The current content of a page not in the overlay: the backing file's (zeros past its end)."""
        if page_off >= logical_size:
            return ZERO_PAGE
        data = os.pread(fd, PAGE, page_off)
        if len(data) < PAGE:
            data += bytes(PAGE - len(data))
        # bytes past the logical size are zeros (the backing file is never longer than the logical size)
        return data

    def truncate_ino(self, ino, fd, length):
        p = self.pending.get(ino)
        backing_size = os.fstat(fd).st_size
        current = p.size if p is not None else backing_size
        if length >= current:
            if length > current:
                self.pending_for(ino, fd).size = length  # growth: pending until fsync
            return
        # shrink: applied to the backing file at once (a limit of the model)
        if backing_size > length:
            os.ftruncate(fd, length)
        if p is not None:
            for idx in [i for i in p.pages if i * PAGE >= length]:
                del p.pages[idx]
            tail = length % PAGE
            idx = length // PAGE
            if tail and idx in p.pages and p.pages[idx] is not None:
                image = bytearray(p.pages[idx])
                image[tail:] = bytes(PAGE - tail)
                p.pages[idx] = bytes(image)
            p.size = length

    def truncate(self, path, length, fh=None):
        with self.mutex:
            if fh is not None and fh.fh in self.handles:
                self.truncate_ino(self.handles[fh.fh][0], fh.fh, length)
                return 0
            full = self.full(path)
            fd = os.open(full, os.O_RDWR)
            try:
                self.truncate_ino(os.fstat(fd).st_ino, fd, length)
            finally:
                os.close(fd)
            return 0

    def sync_file(self, ino, fd):
        self.stats["fsyncs"] += 1
        if self.lying:
            self.stats["lies"] += 1
            return 0
        self.persist(ino, fd)
        return 0

    def fsync(self, path, datasync, fi):
        with self.mutex:
            fd = fi.fh
            return self.sync_file(self.handles[fd][0], fd)

    def flush(self, path, fi):
        return 0  # close(2) persists nothing

    def release(self, path, fi):
        with self.mutex:
            fd = fi.fh
            handle = self.handles.pop(fd, None)
            try:
                if handle is not None and os.fstat(fd).st_nlink == 0 and \
                        not any(h[0] == handle[0] for h in self.handles.values()):
                    self.pending.pop(handle[0], None)  # an unlinked file's last handle: its data is gone anyway
            finally:
                os.close(fd)
            return 0


def main():
    parser = argparse.ArgumentParser(description="a FUSE file system that loses what was never fsynced")
    parser.add_argument("command", choices=["mount", "recover"])
    parser.add_argument("--backing", required=True)
    parser.add_argument("--mount")
    parser.add_argument("--log", required=True, help="side log of directory-entry operations (outside --backing)")
    parser.add_argument("--control", help="control directory (outside the mount)")
    parser.add_argument("--dir-entries", choices=["strict", "immediate"], default="strict")
    parser.add_argument("--max-write", type=int, default=131072)
    args = parser.parse_args()

    deleted = recover(args.backing, args.log)
    log("recovery: %d entr%s whose creation was never durable deleted%s" % (
        len(deleted), "y" if len(deleted) == 1 else "ies", (": " + ", ".join(sorted(deleted))) if deleted else ""))
    if args.command == "recover":
        for p in sorted(deleted):
            print(p)
        return
    if not args.mount or not args.control:
        parser.error("mount needs --mount and --control")
    os.makedirs(args.control, exist_ok=True)
    for name in os.listdir(args.control):
        os.unlink(os.path.join(args.control, name))
    fs = LazyFS(args.backing, args.log, args.control, args.dir_entries)
    log("mounting %s on %s (dir entries %s, max_write %d)" % (args.backing, args.mount, args.dir_entries,
                                                             args.max_write))
    FUSE(fs, args.mount, raw_fi=True, foreground=True, nothreads=True, big_writes=True,
         max_write=args.max_write, hard_remove=True, fsname="lazyfs", subtype="lazyfs")


if __name__ == "__main__":
    main()

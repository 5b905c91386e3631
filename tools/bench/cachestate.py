#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""How the page cache holds a capture, and putting it in a known state before a benchmark.

Reading a capture from the page cache costs the reader (and tcpstat, softflowd, capinfos,
which read() it) different amounts depending on how the kernel holds the file: in 4 KiB
pages (a file written in small pieces, as tcpdump and pl-gen write, or on a tmpfs) or in
large folios (a file read back from disk, or written in large pieces, on kernels whose file
system caches large folios). On a shared VM the page cache also changes under a benchmark:
pages are dropped and large folios split while nothing of ours runs. So a figure compared
with another is only worth as much as the cache state both were taken in
(docs/benchmarking.md, "The page cache's state").

For each FILE this prints one line: the share of its pages in the page cache, and of those
the share in large folios and in 2 MiB ones (from /proc/kpageflags: root only, else
"unknown"). With --fresh it first drops the file from the page cache and reads it back
once, as a first read from disk leaves it.

usage: cachestate.py [--fresh] FILE...
"""
import ctypes
import mmap
import os
import struct
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")
KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL, KPF_THP = 15, 16, 22

libc = ctypes.CDLL(None, use_errno=True)
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]


def fresh(path):
    """Drop @path from the page cache and read it back once."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # pages not yet written cannot be dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        while os.read(fd, 1 << 20):
            pass
    finally:
        os.close(fd)


def state(path):
    """(pages, resident, large, pmd): large and pmd None without /proc/kpageflags."""
    size = os.path.getsize(path)
    pages = (size + PAGE - 1) // PAGE
    if pages == 0:
        return 0, 0, None, None
    with open(path, "rb") as f:
        # a private mapping (copy on write, never written): ctypes can take its address
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        view = (ctypes.c_ubyte * size).from_buffer(m)
        addr = ctypes.addressof(view)
        vec = (ctypes.c_ubyte * pages)()
        if libc.mincore(addr, size, vec) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        resident = sum(v & 1 for v in vec)
        large = pmd = None
        try:
            pm = os.open("/proc/self/pagemap", os.O_RDONLY)
            kf = os.open("/proc/kpageflags", os.O_RDONLY)
            try:
                seen = large = pmd = 0
                for i in range(pages):
                    if not vec[i] & 1:
                        continue
                    view[i * PAGE]  # map it: a resident page, no read from disk
                    entry = struct.unpack("<Q", os.pread(pm, 8, (addr // PAGE + i) * 8))[0]
                    pfn = entry & ((1 << 55) - 1)
                    if not entry >> 63:
                        continue  # dropped since mincore() saw it
                    if pfn == 0:
                        raise PermissionError("no page frame numbers (not root)")
                    flags = struct.unpack("<Q", os.pread(kf, 8, pfn * 8))[0]
                    seen += 1
                    large += bool(flags & ((1 << KPF_COMPOUND_HEAD) | (1 << KPF_COMPOUND_TAIL)))
                    pmd += bool(flags & (1 << KPF_THP))
                if seen == 0:
                    large = pmd = None
                else:
                    large, pmd = large / seen, pmd / seen
            finally:
                os.close(pm)
                os.close(kf)
        except (PermissionError, OSError):
            large = pmd = None
        del view
        m.close()
    return pages, resident, large, pmd


def main(argv):
    args = argv[1:]
    do_fresh = False
    if args and args[0] == "--fresh":
        do_fresh = True
        args = args[1:]
    if not args or any(a.startswith("-") for a in args):
        sys.stderr.write("usage: cachestate.py [--fresh] FILE...\n")
        return 2
    for path in args:
        try:
            if do_fresh:
                fresh(path)
            pages, resident, large, pmd = state(path)
        except OSError as e:
            sys.stderr.write("cachestate.py: %s: %s\n" % (path, e.strerror or e))
            return 2
        share = 100.0 * resident / pages if pages else 100.0
        folios = ("unknown (needs root)" if large is None else
                  "%.1f %% in large folios, %.1f %% in 2 MiB ones" % (100 * large, 100 * pmd))
        print("%s: %d pages, %.1f %% in the page cache, %s" % (path, pages, share, folios))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

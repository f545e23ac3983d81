"""Take the network away from a query worker process, so SPARQL federation cannot reach anything.

pyoxigraph 0.5.13 evaluates `SERVICE <http://…>` by POSTing the query to that
address (and SPARQL Update's `LOAD <http://…>` by fetching it), and offers no
option to turn this off. Refusing the keywords in the query text is a fence
with holes wherever the text scanner and Oxigraph's parser disagree, so the
worker processes that evaluate queries and updates are made unable to open a
network socket at all; they talk to the server over an inherited pipe, which
needs no new socket.

Two kernel mechanisms are tried, in order:

1. seccomp-BPF: a filter that makes `socket()` fail with EPERM for every
   address family but AF_UNIX (the workers' own pipes are socketpairs created
   by the parent), and refuses `io_uring_setup`, which could open sockets
   without calling `socket()`. It needs no privilege (`no_new_privs` is set
   first) and covers every thread of the process (TSYNC).
2. A new, empty network namespace (`unshare(CLONE_NEWNET)`): no interface but
   a loopback that is down, so every connection fails. It needs CAP_SYS_ADMIN.

If the kernel refuses both, the worker still runs and `deny_network` says why;
the pool logs it as an error, and the text scan in `server.sparql_text` is the
only fence left.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct

#: What protects a worker: "seccomp", "netns", or None (nothing did; see the reason).
Fence = str | None

# <linux/filter.h>, <linux/seccomp.h>, <linux/audit.h>
_BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06  # BPF_RET | BPF_K
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | errno.EPERM  # SECCOMP_RET_ERRNO
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_PR_SET_NO_NEW_PRIVS = 38
_CLONE_NEWNET = 0x40000000
_X32_SYSCALL_BIT = 0x40000000

#: Per machine: audit architecture, and the numbers of the syscalls socket, io_uring_setup and seccomp.
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}


def deny_network() -> tuple[Fence, str]:
    """Install the strongest fence the kernel allows on this process; (fence, what happened)."""
    notes = []
    for name, install in (("seccomp", _install_seccomp), ("netns", _install_netns)):
        try:
            install()
        except (OSError, AttributeError) as error:  # AttributeError: a libc without the function
            notes.append(f"{name}: {error}")
            continue
        if _network_refused():
            return name, f"{name} filter installed"
        notes.append(f"{name}: installed, yet an outbound socket could still be opened")
    return None, "; ".join(notes)


def _network_refused() -> bool:
    """Check the fence from inside: an IPv4 connection to this host must fail before it is attempted."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            probe.connect(("127.0.0.1", 9))
    except PermissionError:
        return True  # seccomp: socket() refused
    except OSError as error:
        return error.errno in (errno.ENETUNREACH, errno.EADDRNOTAVAIL)  # netns: loopback is down
    return False


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _arch() -> tuple[int, int, int, int]:
    machine = platform.machine()
    if machine not in _ARCHES:
        raise OSError(errno.ENOSYS, f"no syscall table for {machine}")
    return _ARCHES[machine]


def _install_seccomp() -> None:
    audit_arch, nr_socket, nr_io_uring_setup, nr_seccomp = _arch()
    program = _filter(audit_arch, nr_socket, nr_io_uring_setup)
    libc = _libc()
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    buffer = ctypes.create_string_buffer(program)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
    result = libc.syscall(
        ctypes.c_long(nr_seccomp),
        ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    _check(result, "seccomp(SECCOMP_SET_MODE_FILTER)")


def _filter(audit_arch: int, nr_socket: int, nr_io_uring_setup: int) -> bytes:
    """The BPF program: EPERM for socket(family != AF_UNIX), io_uring_setup, and any foreign syscall ABI."""

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    # struct seccomp_data: int nr (offset 0), u32 arch (4), u64 ip (8), u64 args[6] (16, low word first).
    return b"".join(
        [
            op(_BPF_LD_W_ABS, 4),
            op(_BPF_JEQ_K, audit_arch, 1, 0),
            op(_BPF_RET_K, _RET_EPERM),  # a 32-bit ABI on a 64-bit kernel has other syscall numbers: refuse
            op(_BPF_LD_W_ABS, 0),
            op(_BPF_JGE_K, _X32_SYSCALL_BIT, 0, 1),
            op(_BPF_RET_K, _RET_EPERM),  # the x32 ABI, same architecture tag
            op(_BPF_JEQ_K, nr_io_uring_setup, 0, 1),
            op(_BPF_RET_K, _RET_EPERM),
            op(_BPF_JEQ_K, nr_socket, 1, 0),
            op(_BPF_RET_K, _RET_ALLOW),
            op(_BPF_LD_W_ABS, 16),
            op(_BPF_JEQ_K, socket.AF_UNIX, 0, 1),
            op(_BPF_RET_K, _RET_ALLOW),
            op(_BPF_RET_K, _RET_EPERM),
        ]
    )


def _install_netns() -> None:
    _check(_libc().unshare(_CLONE_NEWNET), "unshare(CLONE_NEWNET)")

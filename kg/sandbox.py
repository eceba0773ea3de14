"""Where the SPARQL engine runs: on a stack deep enough for any accepted query, and for queries
that come over HTTP in worker processes with no network and a memory ceiling.

Oxigraph answers SERVICE by fetching the URL it names, and its parser recurses once per
nested group: a filter over the query text can be fooled, and 20 KB of braces overflow an
8 MB stack. So the engine's calls run on a thread with a 1 GiB stack (reserved, not used,
until a deep query needs it), and `kg serve`'s workers move into a network namespace of
their own before they open the store: whatever a query says, there is nothing to connect to.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import traceback
import time
from collections.abc import Callable
from typing import TypeVar

STACK_BYTES = 1 << 30
"""Stack of the thread the engine runs on: holds the nesting of a query of MAX_QUERY_CHARS."""
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_stack_lock = threading.Lock()

T = TypeVar("T")


def run_on_deep_stack(function: Callable[..., T], *args) -> T:
    """`function(*args)` run on a thread with a STACK_BYTES stack; its result, or its exception re-raised."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # re-raised in the caller's thread, whatever it is
            # the frames' locals (engine objects that must be dropped on the thread that made them) go now
            traceback.clear_frames(error.__traceback__)
            outcome.append((False, error))

    with _stack_lock:
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="sparql-engine", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    succeeded, value = outcome[0]
    if succeeded:
        return value
    raise value


def isolate_from_network() -> bool:
    """Move this process into a new, empty network namespace; True when it worked.

    Must run before the process starts any thread. With root (or CAP_SYS_ADMIN) a network
    namespace alone; otherwise inside a new user namespace, which unprivileged users may
    create on most Linux systems. False elsewhere (macOS, or namespaces disabled).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only the server isolates itself: the read commands start without ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
        if ctypes.get_errno() not in (errno.EPERM, errno.EINVAL, errno.ENOSYS, errno.EUSERS, errno.ENOSPC):
            break
    return False


def exit_with_parent(parent: int | None = None) -> None:
    """End this process as soon as its parent is gone, so no worker outlives a killed `kg`.

    `parent` is the pid the process was started from, when known: a parent killed while
    the process was still starting up is then noticed too.
    """
    parent = parent or os.getppid()
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def resident_bytes(pid: int) -> int:
    """The memory a process holds now (resident set size), 0 when it has gone."""
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.Error:
        return 0

#!/usr/bin/env python3
"""Test helper for the conformance suite's terminal tests (Node cannot receive SCM_RIGHTS).

receive SOCKET
    Listen on the AF_UNIX stream socket SOCKET (--console-socket), accept one
    connection and receive one fd with SCM_RIGHTS, plus the payload (the name).
    Then copy the pty output to stdout and this helper's stdin to the pty,
    until the pty reports EOF/EIO (every holder of the peer is gone). Events are
    JSON lines on stdout:
      {"event":"listening"}
      {"event":"fd","name":..,"nfds":..,"isatty":..,"ptn":N|null,"rdev":[maj,min],
       "dev":st_dev,"hostDevptsDev":st_dev of /dev/pts/ptmx|null}
      {"event":"data","data":"..."}             (pty output, decoded latin-1)
      {"event":"end","reason":"eio"|"eof"}
      {"event":"error","message":".."}
    Stops on SIGTERM.

with-tty [--rows R --cols C] [--input TEXT] [--input-delay SECONDS] [--timeout SECONDS] -- CMD ARGS...
    Run CMD with a fresh pty as its stdin (and as its controlling terminal),
    stdout/stderr inherited; write TEXT to the pty after the delay; exit with
    CMD's status (128+N if killed by signal N). After the timeout CMD is
    killed (SIGKILL) and the exit status is 124. Runtimes in the foreground with
    a terminal want their stdin to be one (runc: console.ConsoleFromFile(os.Stdin)).
"""
import array
import fcntl
import json
import os
import pty
import select
import signal
import socket
import struct
import sys
import termios
import time


# _IOR('T', 0x30, unsigned int): not exported by Python's termios module.
TIOCGPTN = getattr(termios, "TIOCGPTN", 0x80045430)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def receive(sock_path):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    emit({"event": "listening"})
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _flags, _addr = conn.recvmsg(4096, socket.CMSG_SPACE(16 * fds.itemsize))
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    srv.close()
    if len(fds) == 0:
        emit({"event": "error", "message": "no fd received", "name": msg.decode("latin-1")})
        return 1
    master = fds[0]
    for extra in fds[1:]:
        os.close(extra)
    st = os.fstat(master)
    ptn = None
    try:
        buf = fcntl.ioctl(master, TIOCGPTN, b"\0\0\0\0")
        ptn = struct.unpack("I", buf)[0]
    except OSError:
        pass
    try:
        host_devpts = os.stat("/dev/pts/ptmx").st_dev
    except OSError:
        host_devpts = None
    emit({
        "event": "fd",
        "name": msg.decode("latin-1"),
        "nfds": len(fds),
        "isatty": os.isatty(master),
        "ptn": ptn,
        "rdev": [os.major(st.st_rdev), os.minor(st.st_rdev)],
        "dev": st.st_dev,
        "hostDevptsDev": host_devpts,
    })
    stdin_open = True
    while True:
        watch = [master] + ([0] if stdin_open else [])
        r, _, _ = select.select(watch, [], [])
        if 0 in r:
            data = os.read(0, 4096)
            if not data:
                stdin_open = False
            else:
                os.write(master, data)
        if master in r:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: no one holds the peer any more
                emit({"event": "end", "reason": "eio"})
                return 0
            if not data:
                emit({"event": "end", "reason": "eof"})
                return 0
            emit({"event": "data", "data": data.decode("latin-1")})


def with_tty(argv):
    rows, cols, text, delay, timeout = 0, 0, None, 0.0, 0.0
    while argv and argv[0] != "--":
        opt = argv.pop(0)
        val = argv.pop(0)
        if opt == "--rows":
            rows = int(val)
        elif opt == "--cols":
            cols = int(val)
        elif opt == "--input":
            text = val
        elif opt == "--input-delay":
            delay = float(val)
        elif opt == "--timeout":
            timeout = float(val)
        else:
            sys.stderr.write("with-tty: unknown option %s\n" % opt)
            return 2
    argv = argv[1:]
    master, slave = pty.openpty()
    if rows and cols:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.close(slave)
        os.close(master)
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            sys.stderr.write("with-tty: exec %s: %s\n" % (argv[0], e))
            os._exit(127)
    os.close(slave)
    written = text is None
    master_ok = True
    started = time.monotonic()
    while True:
        wpid, status = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            break
        if timeout and time.monotonic() - started >= timeout:
            sys.stderr.write("with-tty: timed out after %gs, killing %s\n" % (timeout, argv[0]))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(master)
            return 124
        if not written and time.monotonic() - started >= delay:
            os.write(master, text.encode())
            written = True
        r, _, _ = select.select([master] if master_ok else [], [], [], 0.02)
        if r:
            try:
                os.read(master, 4096)  # whatever the runtime echoes back on its stdin tty
            except OSError:
                master_ok = False  # EIO: the runtime closed its stdin
    os.close(master)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "receive":
        return receive(sys.argv[2])
    if len(sys.argv) >= 2 and sys.argv[1] == "with-tty":
        return with_tty(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())

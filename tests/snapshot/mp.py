# Python's multiprocessing across a snapshot: a forked worker process talks
# to its parent over a multiprocessing.Pipe (a socketpair) and a plain
# socket.socketpair, with work between the messages; everything received is
# printed (nothing that depends on pids, times or addresses).
import hashlib
import multiprocessing
import socket
import sys


def work(n):
    h = hashlib.sha256()
    for i in range(n):
        h.update(str(i).encode())
    return h.hexdigest()[:16]


def child(conn, sock):
    numbers = conn.recv()
    conn.send(("squares", [x * x for x in numbers], work(2000)))
    msg = sock.recv(100)
    sock.sendall(b"child read: " + msg)
    sock.shutdown(socket.SHUT_WR)
    conn.send(work(1000))
    conn.close()


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    parent_end, child_end = multiprocessing.Pipe()
    s1, s2 = socket.socketpair()
    s1.sendall(b"queued before the child started")
    worker = multiprocessing.Process(target=child, args=(child_end, s2))
    sys.stdout.flush()
    worker.start()
    print("work", work(3000))
    parent_end.send(list(range(12)))
    print("work", work(3000))
    print(parent_end.recv())
    received = b""
    while True:
        part = s1.recv(7)
        if not part:
            break
        received += part
    print(received)
    print("child's last", parent_end.recv())
    worker.join()
    print("exit", worker.exitcode)

# real-run: /usr/bin/python3 -I -B @CASE@
#
# multiprocessing between forked processes: a Pool, a Queue fed by a Process, a Lock
# guarding a shared Value, an Event, and shared_memory blocks. Its locks and semaphores
# are POSIX semaphores (sem_open) and its shared memory files, both in /dev/shm.
import multiprocessing as mp
from multiprocessing import shared_memory


def square(x):
    return x * x


def producer(q, lock, counter, done):
    for i in range(20):
        with lock:
            counter.value += i
        q.put(("item", i))
    done.wait()
    q.put(None)


def add_one(name, n):
    block = shared_memory.SharedMemory(name=name)
    for k in range(n):
        block.buf[k] = (block.buf[k] + 1) % 256
    block.close()


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(3) as pool:
        print("pool.map", pool.map(square, range(12)))
        print("pool.apply_async", pool.apply_async(square, (41,)).get(timeout=60))
        print("pool.imap", sum(pool.imap_unordered(square, range(100), chunksize=7)))

    q, lock, counter, done = ctx.Queue(), ctx.Lock(), ctx.Value("i", 0), ctx.Event()
    workers = [ctx.Process(target=producer, args=(q, lock, counter, done)) for _ in range(2)]
    for w in workers:
        w.start()
    got, ends = [], 0
    while ends < len(workers):
        item = q.get(timeout=60)
        if item is None:
            ends += 1
        else:
            got.append(item[1])
        if len(got) == 40:
            done.set()
    for w in workers:
        w.join()
    print("queue", sorted(got) == sorted(list(range(20)) * 2), "counter", counter.value,
          "exit codes", [w.exitcode for w in workers])

    block = shared_memory.SharedMemory(create=True, size=300)
    block.buf[:5] = b"hello"
    procs = [ctx.Process(target=add_one, args=(block.name, 300)) for _ in range(3)]
    for p in procs:
        p.start()
        p.join()
    print("shared_memory", bytes(block.buf[:5]), sum(block.buf), [p.exitcode for p in procs])
    block.close()
    block.unlink()

    sem = ctx.Semaphore(2)
    print("semaphore", sem.acquire(timeout=1), sem.acquire(timeout=1),
          sem.acquire(timeout=0.1), sem.get_value())

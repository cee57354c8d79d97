# real-run: /usr/bin/python3 -I -B @CASE@
# real-needs: /bin/sh /usr/bin/tr /usr/bin/sort
#
# The standard library's everyday modules, each printing what it computed; nothing
# depends on the time, pids, addresses or the absolute scratch path.
import base64, datetime, hashlib, json, os, re, socket, sqlite3, struct, subprocess
import sys, threading, zlib


def section(name):
    print("==", name)


section("json")
doc = {"name": "hexvm", "list": [1, 2.5, None, True, "x\u00e9"], "nested": {"b": 2, "a": 1}}
text = json.dumps(doc, sort_keys=True)
print(text)
print(json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False))
print(json.loads(text) == doc, json.loads('[1e3, -0.5, "\\u0041"]'))

section("re")
log = "id=17 user=alice; id=4 user=bob; id=256 user=carol"
print(re.findall(r"id=(\d+) user=(\w+)", log))
print(re.sub(r"(\w+)=(\w+)", r"\2:\1", log))
print(re.split(r";\s*", log), bool(re.fullmatch(r"[a-z]+\d*", "abc123")))
m = re.search(r"(?P<who>c\w+)", log)
print(m.group("who"), m.span())

section("hashlib")
for algo in ("md5", "sha1", "sha256", "sha512", "blake2b", "sha3_256"):
    print(algo, hashlib.new(algo, b"hexvm" * 1000).hexdigest())
print("pbkdf2", hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000).hex())

section("sqlite3")
for where in (":memory:", "test.db"):
    con = sqlite3.connect(where)
    con.execute("create table t (k integer primary key, name text, v real)")
    con.executemany("insert into t (name, v) values (?, ?)",
                    [("n%d" % i, i * 1.5) for i in range(100)])
    con.commit()
    print(where, con.execute("select count(*), sum(v), min(name), max(name) from t").fetchone())
    print(con.execute("select name from t where k % 25 = 0 order by k").fetchall())
    con.close()
con = sqlite3.connect("test.db")
print("reopened", con.execute("select avg(v) from t").fetchone())
con.close()

section("threading")
results = []
lock = threading.Lock()


def worker(n):
    total = sum(i * i for i in range(n * 1000))
    with lock:
        results.append((n, total))


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))

section("subprocess")
r = subprocess.run(["echo", "hello", "from", "echo"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
r = subprocess.run("echo c a b | tr ' ' '\\n' | sort -r", shell=True, capture_output=True,
                   text=True)
print(repr(r.stdout), r.returncode)
r = subprocess.run("exit 3", shell=True)
print("exit", r.returncode)
p = subprocess.Popen(["sort"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
out, _ = p.communicate("pear\napple\nfig\n")
print(repr(out), p.returncode)

section("socket")
try:
    a, b = socket.socketpair()
    a.sendall(b"ping " * 1000)
    a.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        chunk = b.recv(4096)
        if not chunk:
            break
        got += chunk
    b.sendall(got.upper()[:20])
    print(len(got), a.recv(100))
    a.close()
    b.close()
except OSError as e:
    print("socketpair failed:", e)

section("os")
os.mkdir("dir")
for name in ("b.txt", "a.txt", "c.bin"):
    with open(os.path.join("dir", name), "w") as f:
        f.write(name * 3)
print(sorted(os.listdir(".")), sorted(os.listdir("dir")))
print(os.path.getsize("dir/a.txt"), os.path.exists("nope"), os.getcwd() == os.environ["HOME"])
os.rename("dir/c.bin", "dir/d.bin")
os.remove("dir/b.txt")
print(sorted(os.listdir("dir")))

section("struct")
packed = struct.pack("<hIq3sd?", -2, 0xDEADBEEF, -(1 << 40), b"abc", 3.25, True)
print(packed.hex(), struct.calcsize("<hIq3sd?"), struct.calcsize("@hIq"))
print(struct.unpack("<hIq3sd?", packed), struct.unpack(">HH", b"\x01\x02\x03\x04"))

section("zlib")
data = b"".join(b"line %d of some repetitive text\n" % i for i in range(2000))
comp = zlib.compress(data, 9)
print(len(data), len(comp), zlib.crc32(data), zlib.adler32(data))
print(zlib.decompress(comp) == data, hashlib.sha256(comp).hexdigest())

section("base64")
print(base64.b64encode(b"\x00\xffhexvm\x10"), base64.b32encode(b"hexvm"),
      base64.urlsafe_b64encode(bytes(range(250, 256))), base64.b64decode("aGV4dm0="))

section("datetime")
d0 = datetime.datetime(2024, 2, 28, 23, 30, tzinfo=datetime.timezone.utc)
d1 = d0 + datetime.timedelta(days=1, hours=1)
print(d1.isoformat(), (d1 - d0).total_seconds(), d1.strftime("%A %j %U"))
print(datetime.date(2000, 1, 1).toordinal(), datetime.date.fromordinal(738000),
      datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc).isoformat())
print(datetime.date(2024, 12, 31).isocalendar(), d0.timestamp())

sys.stdout.flush()
sys.exit(5)

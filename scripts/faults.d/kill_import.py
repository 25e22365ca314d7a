"""kill -9 of the server in the middle of a bulk import: the import is all or nothing (no
half-applied rows after the kill), and the job runs again when the server starts again."""
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

binary, db_url, data_dir, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
base = f"http://127.0.0.1:{port}"
env = {**os.environ, "DATABASE_URL": db_url, "DONGNE_ADDR": f"127.0.0.1:{port}", "DONGNE_DATA_DIR": data_dir,
       "DONGNE_API_RATE_LIMIT": "0", "DONGNE_LOGIN_ATTEMPTS": "0", "RUST_LOG": "warn"}


def start():
    p = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return p
        except Exception:
            time.sleep(0.5)
    raise SystemExit("server did not start")


def call(method, path, token=None, data=None, ctype=None, timeout=60):
    req = urllib.request.Request(base + path, method=method, data=data)
    if token:
        req.add_header("Cookie", f"dongne_session={token}")
    if ctype:
        req.add_header("content-type", ctype)
    req.add_header("accept", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def login():
    req = urllib.request.Request(base + "/api/login", method="POST",
                                 data=b"username=admin&password=dongne-demo")
    req.add_header("accept", "application/json")
    req.add_header("content-type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=30) as r:
        for h in r.headers.get_all("set-cookie"):
            if h.startswith("dongne_session="):
                return h.split("=", 1)[1].split(";", 1)[0]
    raise SystemExit("no session")


def marked(token):
    """How many datasets carry the import's mark in their English title."""
    status, body, _ = call("GET", "/api/v1/export?format=csv", token)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return sum(1 for r in rows if r.get("title_en", "").endswith(" (fault test)")), len(rows)


server = start()
token = login()
status, body, _ = call("GET", "/api/v1/export?format=csv", token)
assert status == 200, status
rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
out = io.StringIO()
w = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
w.writeheader()
for r in rows:
    r["title_en"] = r["title_en"] + " (fault test)"
    w.writerow(r)
sheet = out.getvalue().encode()

# Send the import, and kill the server hard while it is being applied.
def send_import():
    try:
        call("POST", "/api/v1/import?name=fault.csv", token, sheet, "text/csv", 120)
    except Exception:
        pass  # the server is killed under it


threading.Thread(target=send_import, daemon=True).start()
time.sleep(1.5)
server.send_signal(signal.SIGKILL)
server.wait()
killed_at = time.time()

server = start()
token = login()
after_kill, total = marked(token)
print(f"rows {total}; marked right after the restart: {after_kill}")
# All or nothing at every moment: never some of the rows.
ok = after_kill in (0, total)
# The interrupted job runs again on start (or had finished before the kill): all rows, soon.
deadline = time.time() + 180
while time.time() < deadline:
    n, _ = marked(token)
    if n not in (0, total):
        print(f"half-applied: {n} of {total}")
        ok = False
        break
    if n == total:
        break
    time.sleep(1)
final, _ = marked(token)
print(f"marked at the end: {final} of {total} ({time.time() - killed_at:.0f} s after the kill)")
server.send_signal(signal.SIGTERM)
server.wait()
sys.exit(0 if ok and final == total else 1)

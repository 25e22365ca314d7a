"""kill -9 of the server in the middle of a bulk import: the import is all or nothing (no
half-applied rows after the kill), and the job runs again when the server starts again."""
import csv
import io
import signal
import sys
import threading
import time

from dongne import Server

binary, db_url, data_dir, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
server = Server(binary, port, {"DATABASE_URL": db_url, "DONGNE_DATA_DIR": data_dir})


def marked():
    """How many datasets carry the import's mark in their English title."""
    status, body, _ = server.call("GET", "/api/v1/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return sum(1 for r in rows if r.get("title_en", "").endswith(" (fault test)")), len(rows)


server.start()
server.login()
status, body, _ = server.call("GET", "/api/v1/export?format=csv")
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
        server.call("POST", "/api/v1/import?name=fault.csv", data=sheet, ctype="text/csv", timeout=120)
    except Exception:
        pass  # the server is killed under it


threading.Thread(target=send_import, daemon=True).start()
time.sleep(1.5)
server.stop(signal.SIGKILL)
killed_at = time.time()

server.start()
server.login()
after_kill, total = marked()
print(f"rows {total}; marked right after the restart: {after_kill}")
# All or nothing at every moment: never some of the rows.
ok = after_kill in (0, total)
# The interrupted job runs again on start (or had finished before the kill): all rows, soon.
deadline = time.time() + 180
while time.time() < deadline:
    n, _ = marked()
    if n not in (0, total):
        print(f"half-applied: {n} of {total}")
        ok = False
        break
    if n == total:
        break
    time.sleep(1)
final, _ = marked()
print(f"marked at the end: {final} of {total} ({time.time() - killed_at:.0f} s after the kill)")
server.stop()
sys.exit(0 if ok and final == total else 1)

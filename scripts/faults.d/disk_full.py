"""Disk full under SQLite: the server's database sits on a small tmpfs that fills up under a
stream of edits. A refused write is a clear 507 (API and server function), never a 500 or a
crash; reads keep working; nothing acknowledged is lost and nothing half-written is left (the
database passes its integrity check); once there is room again, writes succeed."""
import json
import os
import random
import sqlite3
import string
import subprocess
import sys

from dongne import Server

binary, mount, port = sys.argv[1], sys.argv[2], sys.argv[3]
db_file = os.path.join(mount, "dongne.db")
server = Server(binary, port, {"DATABASE_URL": f"sqlite://{db_file}?mode=rwc",
                               "DONGNE_DATA_DIR": os.path.join(mount, "data")})
log = open(os.path.join(os.path.dirname(mount), "disk_full.log"), "wb")
# A first start loads the demo data and fills the crowd history; the test runs on the second,
# so the edits below are what fills the disk.
server.start(log)
server.stop()
server.start(log)
server.login()


def used_kib():
    st = os.statvfs(mount)
    return (st.f_blocks - st.f_bfree) * st.f_frsize // 1024


def resize(kib):
    subprocess.run(["mount", "-o", f"remount,size={kib}k", mount], check=True)


def words(n):
    return " ".join("".join(random.choices(string.ascii_lowercase, k=8)) for _ in range(n))


status, body, _ = server.call("GET", "/api/v1/datasets?per_page=1")
dataset = json.loads(body)["items"][0]["dataset"]
slug = dataset["slug"]
status, body, _ = server.call("GET", f"/api/v1/datasets/{dataset['id']}")
version = json.loads(body)["version"]

# Leave 1 MiB free, then edit with large descriptions until the disk is full.
resize(used_kib() + 1024)
acked, refused, answers = [], None, {}
for n in range(400):
    text = words(2000)
    status, body, _ = server.call("PATCH", f"/api/v1/datasets/{dataset['id']}",
                                  {"description_en": text, "message": f"disk fill {n}"},
                                  headers={"if-match": f'"{version}"'})
    answers[status] = answers.get(status, 0) + 1
    if status == 200:
        version = json.loads(body)["version"]
        acked.append((version, text))
    else:
        refused = (status, json.loads(body) if body.startswith(b"{") else body)
        break
print(f"edits acknowledged before the disk was full: {len(acked)}; answers {answers}")
ok = True


def check(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok = ok and cond


check(refused is not None and refused[0] == 507, f"a write on a full disk is 507: {refused}")
if refused and isinstance(refused[1], dict):
    check("storage is full" in refused[1]["error"]["message"], "the error says the storage is full")
# The UI's server function says the same.
status, body, _ = server.call("POST", "/api/save_dataset",
                              {"slug": slug, "version": version, "patch": {"description_en": words(2000)}})
check(status == 507 and b"StorageFull" in body, f"save_dataset on a full disk is 507: {status} {body[:120]!r}")
# Reads go on, and show the last acknowledged state.
status, body, _ = server.call("GET", f"/api/v1/datasets/{dataset['id']}")
check(status == 200 and json.loads(body)["version"] == version, "the dataset reads at its last saved version")
check(server.call("GET", "/")[0] == 200 and server.call("GET", "/healthz")[0] == 200, "pages and health answer")
check(server.process.poll() is None, "the server is still running")

# Room again: writes work again without a restart.
resize(used_kib() + 64 * 1024)
text = words(50)
status, body, _ = server.call("PATCH", f"/api/v1/datasets/{dataset['id']}", {"description_en": text},
                              headers={"if-match": f'"{version}"'})
check(status == 200, f"with room again, an edit is saved: {status}")
if status == 200:
    version = json.loads(body)["version"]
    acked.append((version, text))
server.stop()

# Nothing half-written: the file is sound and holds every acknowledged edit.
db = sqlite3.connect(db_file)
check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "PRAGMA integrity_check: ok")
row = db.execute("SELECT version, description_en FROM datasets WHERE id = ?", (dataset["id"],)).fetchone()
check(row == (version, acked[-1][1]), f"the dataset holds the last acknowledged edit (version {row[0] if row else None})")
versions = {v for (v,) in db.execute("SELECT version FROM revisions WHERE dataset_id = ?", (dataset["id"],))}
check(all(v in versions for v, _ in acked), f"every acknowledged edit is a revision ({len(acked)})")
log.close()
sys.exit(0 if ok else 1)

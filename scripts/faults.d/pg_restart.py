"""PostgreSQL restarted under load: the server keeps answering, readiness goes red then green,
and every edit it acknowledged is still there afterwards. Prints the numbers; exits 1 on loss."""
import json
import subprocess
import sys
import threading
import time

from dongne import Client

base, token, cluster = sys.argv[1], sys.argv[2], sys.argv[3]
client = Client(base, token)


def call(method, path, body=None, headers=None):
    status, answer, _ = client.call(method, path, json_body=body, headers=headers, timeout=10)
    return status, answer


status, body = call("GET", "/api/v1/datasets?per_page=1")
dataset = json.loads(body)["items"][0]["dataset"]["id"]
status, body = call("GET", f"/api/v1/datasets/{dataset}")
version = json.loads(body)["version"]

ready, acked, statuses = [], [], {}
stop = threading.Event()


def watch():
    while not stop.is_set():
        ready.append(call("GET", "/readyz")[0])
        time.sleep(0.05)


threading.Thread(target=watch, daemon=True).start()
start = time.time()
restarted = False
n = 0
while time.time() - start < 25:
    if not restarted and time.time() - start > 5:
        # Down for 5 s while the edits go on.
        def bounce():
            pg = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster.split()]
            subprocess.run([*pg, "stop", "--", "-m", "fast"], check=True)
            time.sleep(5)
            subprocess.run([*pg, "start"], check=True)

        bouncer = threading.Thread(target=bounce)
        bouncer.start()
        restarted = True
    n += 1
    word = f"fault{n}"
    status, body = call("PATCH", f"/api/v1/datasets/{dataset}", {"keywords": [word]}, {"if-match": f'"{version}"'})
    statuses[status] = statuses.get(status, 0) + 1
    if status == 200:
        version = json.loads(body)["version"]
        acked.append((version, word))
    elif status == 409:
        version = json.loads(body)["error"]["current_version"]
    else:
        time.sleep(0.1)
bouncer.join()
stop.set()
time.sleep(0.2)

# Every acknowledged edit is a revision; the last one is the dataset's state.
status, body = call("GET", f"/api/v1/datasets/{dataset}/revisions")
revisions = {r["version"] for r in json.loads(body)} if status == 200 else set()
lost = [v for v, _ in acked if v not in revisions]
status, body = call("GET", f"/api/v1/datasets/{dataset}")
final = json.loads(body)
red = sum(1 for s in ready if s != 200)
print(f"edits sent {n}, acknowledged {len(acked)}, answers {dict(sorted(statuses.items()))}")
print(f"readiness probes {len(ready)}: {red} not ready (PostgreSQL down 5 s); last probe {ready[-1]}")
print(f"acknowledged edits lost: {len(lost)}; final version {final['version']} (last acknowledged {acked[-1][0] if acked else None})")
ok = (
    not lost
    and acked
    and final["version"] == acked[-1][0]
    and final["keywords"] == [acked[-1][1]]
    and red > 0
    and ready[-1] == 200
    and 200 in statuses
)
sys.exit(0 if ok else 1)

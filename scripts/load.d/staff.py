"""Staff mix for scripts/load-staff (locust, headless).

Every simulated user is a department's steward: searches (JSON API with an API key, HTML page with
the session cookie; Korean and English words, facets, sorts and pages taken from the demo catalog
at the start), dataset views (JSON and HTML) and edits (read the version, PATCH with If-Match) of
datasets of its own department, each dataset edited by one simulated user only, so a 409 is not
expected (counted apart if one happens). The total rate is fixed: each user runs at most
LOAD_RATE / LOAD_USERS requests/s (locust's constant_throughput).

Environment: LOAD_RATE (total requests/s), LOAD_USERS, LOAD_REPORT (file for the result table),
LOAD_SERVER_PID (for the server's memory), LOAD_SEARCH_P99_MS (target).
"""

import itertools
import json
import os
import random
import re
import threading
import time

import requests
from locust import FastHttpUser, events, task
from locust.stats import StatsEntry

RATE = float(os.environ.get("LOAD_RATE", "500"))
USERS = int(os.environ.get("LOAD_USERS", "100"))
REPORT = os.environ.get("LOAD_REPORT", "")
SERVER_PID = os.environ.get("LOAD_SERVER_PID", "")
SEARCH_P99_MS = float(os.environ.get("LOAD_SEARCH_P99_MS", "50"))
PASSWORD = "dongne-demo"

# Task weights; an edit is two requests (read, PATCH), the others one.
W_SEARCH, W_VIEW, W_EDIT = 12, 6, 1
REQUESTS_PER_TASK = (W_SEARCH + W_VIEW + 2 * W_EDIT) / (W_SEARCH + W_VIEW + W_EDIT)

KINDS = [
    ("search", ["search api", "search html"]),
    ("view", ["view api", "view html"]),
    ("edit", ["edit read", "edit patch"]),
]

CATALOG = {}
CONFLICTS = {"n": 0}
RSS = {}
USER_SEQ = itertools.count()
LOCK = threading.Lock()

STOP_EN = {
    "the", "and", "for", "with", "from", "data", "list", "status", "seoul", "seongdong", "gu",
    "of", "in", "by", "on", "to", "a", "an", "per", "information",
}


def proc_status(field):
    if not SERVER_PID:
        return 0
    try:
        with open(f"/proc/{SERVER_PID}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sign_in(base, username):
    s = requests.Session()
    r = s.post(
        f"{base}/api/login",
        data={"username": username, "password": PASSWORD},
        headers={"accept": "application/json"},
    )
    r.raise_for_status()
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    if not cookie:
        raise RuntimeError(f"no session cookie for {username}")
    r = s.post(f"{base}/api/v1/keys", json={"name": f"load test {username}"})
    r.raise_for_status()
    return cookie, r.json()["secret"]


@events.test_start.add_listener
def load_catalog(environment, **_kw):
    """Sign in every steward, read the whole catalog as the administrator and derive the
    search terms, facet values and each user's datasets from it."""
    base = environment.host
    admin_cookie, admin_key = sign_in(base, "admin")
    hdr = {"authorization": f"Bearer {admin_key}"}
    items, facets, page = [], {}, 1
    while True:
        r = requests.get(f"{base}/api/v1/datasets", params={"per_page": 100, "page": page}, headers=hdr)
        r.raise_for_status()
        body = r.json()
        items += [h["dataset"] for h in body["items"]]
        if page == 1:
            facets = {k: [v["term"] for v in vs if v["count"] > 0] for k, vs in body["facets"].items()}
        if page * 100 >= body["total"]:
            break
        page += 1
    ko, en = set(), set()
    for d in items:
        for w in re.split(r"[\s()\[\]·,/_-]+", d["title_ko"]):
            if re.fullmatch(r"[가-힣]{2,8}", w):
                ko.add(w)
        for w in re.split(r"[^A-Za-z]+", d["title_en"]):
            if len(w) >= 4 and w.lower() not in STOP_EN:
                en.add(w.lower())
    by_dept = {}
    for d in items:
        by_dept.setdefault(d["department"]["code"], []).append(d)
    depts = sorted(by_dept)
    logins = {code: sign_in(base, f"{code}-steward") for code in depts}
    CATALOG.update(
        items=items, published=[d for d in items if d["status"] == "published"], ko=sorted(ko), en=sorted(en), facets=facets, by_dept=by_dept,
        depts=depts, logins=logins,
    )
    RSS["before"] = proc_status("VmRSS")
    print(
        f"catalog: {len(items)} datasets, {len(depts)} departments, {len(ko)} Korean and "
        f"{len(en)} English search words, facets {', '.join(f'{k} {len(v)}' for k, v in facets.items())}",
        flush=True,
    )


def typo(word):
    i = random.randrange(1, len(word))
    return word[:i] + word[i - 1] + word[i:]


def steady_pacing(interval):
    """Each user runs a task every `interval` seconds, at a phase of its own: locust starts the
    users together, and with its `constant_throughput` they keep that start's pace, so the server
    got every user's request in one burst per interval (seen as all requests within 0.1 s of each
    second) instead of a steady rate. People at their desks do not click in step."""

    def wait(user):
        now = time.perf_counter()
        nxt = getattr(user, "_next_run", None)
        nxt = now + random.uniform(0, interval) if nxt is None else max(nxt + interval, now)
        user._next_run = nxt
        return nxt - now

    return wait


class Steward(FastHttpUser):
    wait_time = steady_pacing(USERS * REQUESTS_PER_TASK / RATE)

    def on_start(self):
        c = CATALOG
        n = next(USER_SEQ)
        self.dept = c["depts"][n % len(c["depts"])]
        # Users of the same department split its datasets, so no two edit the same one.
        same = [j for j in range(USERS) if j % len(c["depts"]) == n % len(c["depts"])]
        slot = same.index(n) if n < USERS else 0
        mine = c["by_dept"][self.dept]
        self.editable = [d for i, d in enumerate(mine) if i % len(same) == slot]
        self.cookie, key = c["logins"][self.dept]
        self.key_hdr = {"authorization": f"Bearer {key}"}
        self.cookie_hdr = {"cookie": self.cookie}
        self.originals = {}
        # What a steward may open: published datasets, and anything of its own department.
        self.viewable = c["published"] + [d for d in mine if d["status"] != "published"]

    def query(self):
        c = CATALOG
        p = {}
        r = random.random()
        if r < 0.40:
            p["q"] = random.choice(c["ko"])
        elif r < 0.60:
            p["q"] = random.choice(c["en"])
        elif r < 0.70:
            p["q"] = f"{random.choice(c['ko'])} {random.choice(c['en'])}"
        elif r < 0.75:
            w = random.choice([w for w in c["en"] if len(w) >= 5] or c["en"])
            p["q"] = typo(w)
        elif r < 0.80:
            p["q"] = random.choice(c["ko"])[:1]  # type-ahead: one syllable
        # else: browsing by facets only
        if random.random() < (0.35 if "q" in p else 1.0):
            keys = [k for k, v in c["facets"].items() if v]
            for k in random.sample(keys, k=random.choice([1, 1, 2])):
                p[k] = random.choice(c["facets"][k])
        if random.random() < 0.2:
            p["sort"] = random.choice(["updated", "title"])
        if random.random() < 0.15:
            p["page"] = random.choice([2, 3])
        return p

    @task(W_SEARCH)
    def search(self):
        p = self.query()
        if random.random() < 0.6:
            with self.client.get("/api/v1/datasets", params=p, headers=self.key_hdr,
                                 name="search api", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")
                elif b'"total"' not in (r.content or b""):
                    r.failure("no result in the body")
        else:
            with self.client.get("/datasets", params=p, headers=self.cookie_hdr,
                                 name="search html", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")

    @task(W_VIEW)
    def view(self):
        d = random.choice(self.viewable)
        if random.random() < 0.5:
            with self.client.get(f"/api/v1/datasets/{d['slug']}", headers=self.key_hdr,
                                 name="view api", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")
        else:
            with self.client.get(f"/datasets/{d['slug']}", headers=self.cookie_hdr,
                                 name="view html", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")

    @task(W_EDIT)
    def edit(self):
        if not self.editable:
            return
        d = random.choice(self.editable)
        with self.client.get(f"/api/v1/datasets/{d['id']}", headers=self.key_hdr,
                             name="edit read", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return
            body = json.loads(r.content)
            etag = r.headers.get("etag") or f'"{body["version"]}"'
        original = self.originals.setdefault(d["id"], body.get("description_en") or "")
        change = {
            "description_en": f"{original}\n\nReviewed in the load test ({random.randrange(10**6)}).",
            "message": "load test: reviewed",
        }
        with self.client.request("PATCH", f"/api/v1/datasets/{d['id']}",
                                 headers={**self.key_hdr, "if-match": etag}, json=change,
                                 name="edit patch", catch_response=True) as r:
            if r.status_code == 409:
                with LOCK:
                    CONFLICTS["n"] += 1
                r.success()
            elif r.status_code != 200:
                r.failure(f"{r.status_code} {(r.text or '')[:200]}")


def entry(stats, label, names):
    agg = StatsEntry(stats, label, "")
    for n in names:
        for method in ("GET", "PATCH"):
            e = stats.entries.get((n, method))
            if e is not None:
                agg.extend(e)
    return agg


@events.quitting.add_listener
def report(environment, **_kw):
    stats = environment.stats
    total = stats.total
    # From the first request (the catalog is read and the users sign in before it).
    first = min(total.num_reqs_per_sec, default=total.start_time)
    secs = max(total.last_request_timestamp - first, 1e-9) if total.num_requests else 1
    rows = []
    lines = [f"{'kind':<12}{'req/s':>9}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"]

    def row(label, e):
        lines.append(
            f"{label:<12}{e.num_requests / secs:>9.1f}{e.num_requests:>10}"
            f"{e.get_response_time_percentile(0.5):>9.0f}{e.get_response_time_percentile(0.99):>9.0f}"
            f"{e.num_failures:>8}"
        )

    for kind, names in KINDS:
        for n in names:
            e = stats.entries.get((n, "PATCH" if n == "edit patch" else "GET"))
            if e is not None:
                row("  " + n, e)
        agg = entry(stats, kind, names)
        rows.append((kind, agg))
        row(kind, agg)
    row("total", total)
    search = dict(rows)["search"]
    p99 = search.get_response_time_percentile(0.99)
    rss_after, hwm = proc_status("VmRSS"), proc_status("VmHWM")
    lines.append(
        f"total rate achieved: {total.num_requests / secs:.1f} req/s of {RATE:.0f} asked "
        f"({USERS} users, {secs:.1f} s)"
    )
    lines.append(f"edit conflicts (409, not counted as errors): {CONFLICTS['n']}")
    if SERVER_PID:
        lines.append(
            f"server memory: {RSS.get('before', 0) / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after, "
            f"peak {hwm / 1024:.0f} MiB"
        )
    ok_err = total.num_failures == 0
    ok_p99 = p99 < SEARCH_P99_MS
    ok_rate = total.num_requests / secs >= 0.95 * RATE
    lines.append(
        f"targets: errors 0: {'met' if ok_err else 'MISSED'} ({total.num_failures}); search p99 < "
        f"{SEARCH_P99_MS:.0f} ms at {RATE:.0f} req/s: {'met' if ok_p99 else 'MISSED'} ({p99:.0f} ms)"
        + ("" if ok_rate else "; the asked rate was NOT reached")
    )
    for e in sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:10]:
        lines.append(f"  error {e.method} {e.name}: {e.error} x{e.occurrences}")
    text = "\n".join(lines)
    if REPORT:
        with open(REPORT, "w") as f:
            f.write(text + "\n")
    print(text, flush=True)
    environment.process_exit_code = 0 if (ok_err and ok_p99 and ok_rate) else 1

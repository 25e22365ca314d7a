"""Shared by the fault tests: HTTP calls to a Dongne server, and a server process to start and
stop (standard library only)."""
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request


class Client:
    def __init__(self, base, token=None):
        self.base = base
        self.token = token

    def call(self, method, path, json_body=None, data=None, ctype=None, headers=None, timeout=30):
        """(status, body bytes, headers); status 0 when the connection failed or timed out."""
        req = urllib.request.Request(self.base + path, method=method, data=data, headers=headers or {})
        if json_body is not None:
            req.data = json.dumps(json_body).encode()
            ctype = "application/json"
        if ctype:
            req.add_header("content-type", ctype)
        if self.token:
            req.add_header("Cookie", f"dongne_session={self.token}")
        req.add_header("accept", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers
        except Exception as e:  # connection refused, reset, timeout
            return 0, str(e).encode(), {}

    def login(self, username="admin", password="dongne-demo"):
        """Sign in; later calls carry the session."""
        status, _, headers = self.call("POST", "/api/login", data=f"username={username}&password={password}".encode(),
                                       ctype="application/x-www-form-urlencoded")
        for h in (headers.get_all("set-cookie") or []) if status == 200 else []:
            if h.startswith("dongne_session="):
                self.token = h.split("=", 1)[1].split(";", 1)[0]
                return self.token
        raise SystemExit(f"login as {username} failed: {status}")


class Server(Client):
    """`binary serve` on loopback `port` with `env` added to the test defaults."""

    def __init__(self, binary, port, env):
        super().__init__(f"http://127.0.0.1:{port}")
        self.binary = binary
        self.env = {**os.environ, "DONGNE_ADDR": f"127.0.0.1:{port}", "DONGNE_API_RATE_LIMIT": "0", "DONGNE_DEMO_DATA": "true",
                    "DONGNE_LOGIN_ATTEMPTS": "0", "RUST_LOG": "warn", **env}
        self.process = None

    def start(self, log=subprocess.DEVNULL):
        self.process = subprocess.Popen([self.binary], env=self.env, stdout=log, stderr=log)
        for _ in range(480):
            if self.call("GET", "/readyz", timeout=2)[0] == 200:
                return self
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode}")
            time.sleep(0.5)
        raise SystemExit("the server did not start")

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        self.process.wait()

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Drive the dashboard in headless Chromium over the DevTools protocol (--remote-debugging-pipe)
and print one JSON object of what was seen.

    dashboard_cdp.py URL [--token TOKEN] [--wrong WRONG]

Without --token: load the page and wait for its data. With --token: the page must show its
login form; WRONG (if given) is typed first and must be refused; then TOKEN is typed and the
data must load. Every request the page made is recorded (URL and whether it carried a
bearer header), so the caller can check that the token never appears in a URL. Waits are
for states (the form shown, the first snapshot drawn), bounded at 60 s each.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class Chrome:
    def __init__(self):
        self.to_r, self.to_w = os.pipe()      # our commands -> chromium's fd 3
        self.from_r, self.from_w = os.pipe()  # chromium's fd 4 -> us
        self.profile = tempfile.mkdtemp(prefix="pl-cdp-")
        args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-sync",
                "--disable-component-update", "--disable-dev-shm-usage",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "about:blank"]

        def fds():
            # chromium reads fd 3 and writes fd 4; move ours out of the way first
            r, w = os.dup(self.to_r), os.dup(self.from_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(self.to_r)
        os.close(self.from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        return r.get("result", {}).get("value")

    def wait(self, expr, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.eval(expr):
                return True
            time.sleep(0.2)
        return False

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.profile])


def type_token(c, text):
    c.eval("document.getElementById('login-token').focus()")
    c.call("Input.insertText", {"text": text})
    # a page without focus (headless, a busy machine) may not take the keystrokes
    c.eval("(e => { if (e.value !== %s) e.value = %s; })(document.getElementById('login-token'))"
           % (json.dumps(text), json.dumps(text)))
    c.eval("document.getElementById('login-submit').click()")


def main():
    url = sys.argv[1]
    token = wrong = None
    if "--token" in sys.argv:
        token = sys.argv[sys.argv.index("--token") + 1]
    if "--wrong" in sys.argv:
        wrong = sys.argv[sys.argv.index("--wrong") + 1]
    out = {}
    c = Chrome()
    try:
        targets = c.call("Target.getTargets", session=False)["targetInfos"]
        page = [t for t in targets if t["type"] == "page"][0]
        c.session = c.call("Target.attachToTarget", {"targetId": page["targetId"],
                                                      "flatten": True},
                           session=False)["sessionId"]
        c.call("Network.enable")
        c.call("Page.enable")
        c.call("Page.navigate", {"url": url})
        data_loaded = "document.getElementById('meta').textContent.startsWith('snapshot #')"
        login_shown = "!document.getElementById('login').hidden"
        if token is None:
            out["data_loaded"] = c.wait(data_loaded)
            out["login_shown"] = bool(c.eval(login_shown))
        else:
            out["login_shown"] = c.wait(login_shown)
            out["data_before_login"] = bool(c.eval(data_loaded))
            if wrong is not None:
                type_token(c, wrong)
                out["wrong_refused"] = c.wait(
                    login_shown + " && document.getElementById('login-error').textContent"
                    ".includes('refused')")
            type_token(c, token)
            out["data_loaded"] = c.wait(data_loaded)
            out["login_hidden"] = bool(c.eval("document.getElementById('login').hidden"))
            out["stored"] = c.eval("sessionStorage.getItem('portlens.token')") == token
            out["signout_shown"] = bool(c.eval("!document.getElementById('logout').hidden"))
        out["packets_shown"] = c.eval("document.getElementById('tiles').textContent")
        c.call("Runtime.evaluate", {"expression": "1"})  # collect the last events
        reqs = []
        for e in c.events:
            if e.get("method") == "Network.requestWillBeSent":
                r = e["params"]["request"]
                auth = {k.lower(): v for k, v in r.get("headers", {}).items()}.get(
                    "authorization", "")
                reqs.append({"url": r["url"], "bearer": auth})
        out["requests"] = reqs
    finally:
        c.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()

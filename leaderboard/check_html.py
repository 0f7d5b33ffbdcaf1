#!/usr/bin/env python3
"""Open a leaderboard index.html in headless Chromium and check it works.

Checks: the page loads with no console error, exception or blocked resource (it must work
offline, so any network request is an error); it holds exactly one <script> (a model named
``<script>...`` must render as text); clicking a metric column header sorts rows best first and a
second click reverses it; then it saves a full-page screenshot.

Talks the Chrome DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and
4), so it needs only the standard library and a Chromium binary (Debian: ``apt-get install
chromium``).

    python leaderboard/check_html.py leaderboard/index.html --screenshot leaderboard/screenshot.png

Exit 0 when every check passes, 1 when one fails, 2 when Chromium is missing or cannot start.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from base64 import b64decode
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--remote-debugging-pipe")


def find_chromium() -> str | None:
    env = os.environ.get("CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """A headless Chromium driven over the DevTools pipe; one page, flattened session."""

    def __init__(self, binary: str, *, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="fairbench-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; move the child's ends
        # above 10 first so the dup2 onto 3 and 4 cannot clobber one another.
        child_in = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=wire, pass_fds=(3, 4), close_fds=True)
        os.close(child_in)
        os.close(child_out)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self.events: "queue.Queue[dict]" = queue.Queue()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = None

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.events.put(msg)

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while self._next_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"no reply to {method} from Chromium")
                self._cond.wait(min(left, 0.5))
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                ev = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(ev)
            if ev.get("method") == method:
                for e in seen:  # keep everything else for the error scan
                    if e is not ev:
                        self.events.put(e)
                return ev
        raise RuntimeError(f"timed out waiting for {method}")

    def eval(self, expression: str):
        out = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in out:
            raise RuntimeError(f"page script failed: {out['exceptionDetails'].get('text')}: {expression[:80]}")
        return out["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def _problems(events: list[dict], page_url: str) -> list[str]:
    out = []
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            out.append("console " + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(f"uncaught exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
            out.append(f"log {p['entry']['level']}: {p['entry'].get('text')}")
        elif m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != page_url and not url.startswith(("data:", "about:")):
                out.append(f"network request (page must be self-contained): {url}")
    return out


# reads, for the given table, column ``col``'s sort keys in row order
KEYS_JS = """(function(){var t=document.querySelector(%s);return Array.prototype.map.call(t.tBodies[0].rows,
function(r){var v=r.cells[%d].getAttribute('data-v');return v===''?null:Number(v);});})()"""


def _ordered(keys: list, ascending: bool) -> bool:
    vals = [k for k in keys if k is not None]
    if any(k is not None for k in keys[len(vals):]):
        return False  # a blank before a value
    return all((a <= b) if ascending else (a >= b) for a, b in zip(vals, vals[1:]))


def check(html: Path, screenshot: Path | None, binary: str) -> list[str]:
    url = html.resolve().as_uri()
    failures: list[str] = []
    browser = Browser(binary)
    try:
        browser.open_page()
        browser.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        browser.send("Page.navigate", {"url": url})
        browser.wait_event("Page.loadEventFired")
        if browser.eval("document.scripts.length") != 1:
            failures.append(f"expected exactly 1 <script> element, found {browser.eval('document.scripts.length')}")
        if not browser.eval("!!document.querySelector('#leaderboard')"):
            failures.append("no #leaderboard table")
        else:
            n_rows = browser.eval("document.querySelector('#leaderboard').tBodies[0].rows.length")
            first_metric = browser.eval("(function(){var h=document.querySelectorAll('#leaderboard th');"
                                        "for(var i=0;i<h.length;i++){if(h[i].querySelector('.dir'))return i;}return -1;})()")
            if first_metric < 0:
                failures.append("no metric column in #leaderboard")
            else:
                click = f"document.querySelectorAll('#leaderboard th')[{first_metric}].click()"
                for ascending in (True, False):
                    browser.eval(click)
                    keys = browser.eval(KEYS_JS % (json.dumps("#leaderboard"), first_metric))
                    if len(keys) != n_rows:
                        failures.append(f"sorting changed the row count ({n_rows} -> {len(keys)})")
                    if not _ordered(keys, ascending):
                        failures.append(f"click {'1' if ascending else '2'} on a metric header did not sort "
                                        f"{'best' if ascending else 'worst'} first: {keys}")
                # text column: the model names end up in order too
                browser.eval("document.querySelectorAll('#leaderboard th')[0].click()")
                names = browser.eval("Array.prototype.map.call(document.querySelector('#leaderboard').tBodies[0].rows,"
                                     "function(r){return r.cells[0].getAttribute('data-v');})")
                if names != sorted(names):
                    failures.append(f"clicking the model header did not sort by name: {names}")
        if screenshot is not None:
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(b64decode(shot["data"]))
        time.sleep(0.2)  # let late console events arrive
        events = []
        while not browser.events.empty():
            events.append(browser.events.get())
        failures += _problems(events, url)
    finally:
        browser.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("html", nargs="?", default=str(Path(__file__).parent / "index.html"))
    p.add_argument("--screenshot", default=None, help="PNG path (default: next to the page, screenshot.png)")
    p.add_argument("--chromium", default=None, help="browser binary (default: chromium on PATH, or $CHROMIUM)")
    args = p.parse_args(argv)
    html = Path(args.html)
    if not html.is_file():
        print(f"check_html: {html}: no such file", file=sys.stderr)
        return 2
    binary = args.chromium or find_chromium()
    if not binary:
        print("check_html: no Chromium found; install it (Debian: apt-get install -y chromium)", file=sys.stderr)
        return 2
    shot = Path(args.screenshot) if args.screenshot else html.parent / "screenshot.png"
    try:
        failures = check(html, shot, binary)
    except (RuntimeError, OSError) as e:
        print(f"check_html: could not drive Chromium: {e}", file=sys.stderr)
        return 2
    for f in failures:
        print(f"FAIL {f}")
    print(f"{html}: {'FAILED' if failures else 'ok'} ({len(failures)} problems); screenshot {shot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

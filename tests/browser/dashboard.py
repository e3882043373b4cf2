"""The dashboard's journey in headless Chromium, driven over WebDriver (chromedriver) with
Python's standard library only: dashboard.py BASE_URL WORK_DIR [TOKEN]

1. Reset the emulator, freeze the clock and make CNode's tasks take 5 s of virtual time per step (admin API).
2. startLogin(test_user, test_password) by a SOAP call: a task that waits for the clock.
3. Open /__admin/ui (with ?token= when the emulator has one) and wait until the task is in
   the page's list, not finished; select it (its timeline shows).
4. Type a duration in the page's advance input and click its advance button.
5. Wait until the page shows the task FINISHED_OK, in the list and in its timeline, with
   no reload: only the page's own polling can show it.
6. Save a screenshot (WORK_DIR/dashboard.png).

Prints `version: ...` first, a line per step, and `journey: OK` last; exits 1 on a failed
check (the last line says which), leaving WORK_DIR/failure.png when the page was open.
"""

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, WORK = sys.argv[1], sys.argv[2]
TOKEN = sys.argv[3] if len(sys.argv) > 3 else ""
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ADVANCE_BY = "1m"

LOGIN = """<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1">
 <SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
  <ns:startLogin>
   <billonUserName>test_user</billonUserName>
   <billonUserPassword>test_password</billonUserPassword>
  </ns:startLogin>
 </SOAP-ENV:Body>
</SOAP-ENV:Envelope>
"""


class Failed(Exception):
    pass


def http(method, url, body=None, headers=None, timeout=30):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not request.has_header("Content-type"):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def admin(method, path, body=None):
    headers = {"Authorization": "Bearer " + TOKEN} if TOKEN else {}
    status, answer = http(method, BASE + "__admin/" + path, body, headers)
    if status >= 300:
        raise Failed(f"admin {method} {path}: HTTP {status} {answer[:300]!r}")
    return json.loads(answer) if answer else None


class Browser:
    """A WebDriver session on a chromedriver of our own."""

    def __init__(self, work):
        self.driver = None
        self.session = None
        try:
            self.start(work)
        except BaseException:
            self.close()
            raise

    def start(self, work):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.log = open(os.path.join(work, "chromedriver.log"), "w")
        self.driver = subprocess.Popen(
            [os.environ["CHROMEDRIVER"], f"--port={port}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.driver.poll() is not None:
                raise Failed("chromedriver did not start (see chromedriver.log)")
            time.sleep(0.1)
        options = {
            "binary": os.environ["CHROMIUM"],
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                f"--user-data-dir={os.path.join(work, 'profile')}",
            ],
        }
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        if body is None and method == "POST":
            body = {}
        status, answer = http(method, self.url + path, body, timeout=60)
        value = json.loads(answer)["value"]
        if status != 200:
            raise Failed(f"webdriver {method} {path}: {value.get('error')}: {value.get('message', '')[:300]}")
        return value

    def s(self, path, body=None, method=None):
        return self.call(method or ("GET" if body is None else "POST"), f"/session/{self.session}{path}", body)

    def open(self, url):
        self.s("/url", {"url": url})

    def find(self, css):
        """The elements matching a CSS selector (maybe none)."""
        found = self.s("/elements", {"using": "css selector", "value": css})
        return [e[ELEMENT] for e in found]

    def text(self, css):
        """The text of the first element matching, or None."""
        found = self.find(css)
        if not found:
            return None
        try:
            return self.s(f"/element/{found[0]}/text")
        except Failed as e:  # redrawn between the find and the read: read again next time
            if "stale" in str(e):
                return None
            raise

    def click(self, css):
        # The page redraws its lists every second: an element found may be gone a moment later.
        for _ in range(20):
            try:
                self.s(f"/element/{self.one(css)}/click", {})
                return
            except Failed as e:
                if "stale" not in str(e):
                    raise
        raise Failed(f"{css}: stale on every try")

    def type(self, css, text):
        element = self.one(css)
        self.s(f"/element/{element}/clear", {})
        self.s(f"/element/{element}/value", {"text": text})

    def one(self, css):
        found = self.find(css)
        if not found:
            raise Failed(f"no {css} in the page")
        return found[0]

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("/screenshot")))

    def wait(self, what, check, timeout=15):
        """Waits until check() answers something true, and returns it."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except Failed as e:
                if "stale" not in str(e):
                    raise
                last = None
            if last:
                return last
            time.sleep(0.1)
        error = self.text("#error")
        raise Failed(f"{what}: not within {timeout} s (last seen: {last!r}; the page's error line: {error!r})")

    def close(self):
        try:
            if self.session:
                self.s("", method="DELETE")
                self.session = None
        finally:
            if self.driver is None:
                return
            self.driver.terminate()
            try:
                self.driver.wait(10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            self.log.close()


def versions():
    def first_line(*command):
        out = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"

    return f"{first_line(os.environ['CHROMIUM'], '--version')}; {first_line(os.environ['CHROMEDRIVER'], '--version').split(' (')[0]}"


def journey(browser):
    admin("POST", "reset")
    admin("POST", "clock/freeze")
    admin("PUT", "progression", {"type": "*", "frontDoor": "cnode", "mode": "timed", "step": "5s"})
    status, answer = http("POST", BASE, LOGIN.encode(), {"Content-Type": "text/xml; charset=utf-8"})
    found = re.search(rb"<taskId>([^<]+)</taskId>", answer)
    if status != 200 or not found:
        raise Failed(f"startLogin: HTTP {status} {answer[:300]!r}")
    task = found.group(1).decode()
    before = admin("GET", f"tasks/{task}")
    if before["finished"]:
        raise Failed(f"the task finished before the page was opened ({before['status']})")
    clock_before = admin("GET", "clock")["millis"]
    print(f"startLogin: task {task}, {before['status']}, clock frozen")

    page = BASE + "__admin/ui" + ("?token=" + urllib.parse.quote(TOKEN) if TOKEN else "")
    browser.open(page)
    row = f'#tasks tr[data-task-id="{task}"]'
    seen = browser.wait(f"task {task} in the page's list", lambda: browser.text(f"{row} td.status"))
    if seen.startswith("FINISHED"):
        raise Failed(f"the page shows the task {seen} before the clock moved")
    print(f"page: task listed, {seen}")

    browser.click(row)
    browser.wait("the task's timeline", lambda: seen in (browser.text("#timeline") or ""))
    print("page: timeline shown")
    browser.wait("the clock frozen in the page", lambda: browser.text("#clock-state") == "frozen")

    browser.type("#advance-by", ADVANCE_BY)
    browser.click("#advance")
    print(f"page: advance {ADVANCE_BY} clicked")
    browser.wait(
        "FINISHED_OK in the page's list",
        lambda: browser.text(f"{row} td.status") == "FINISHED_OK" or None,
    )
    timeline = browser.wait(
        "FINISHED_OK in the timeline",
        lambda: (t := browser.text("#timeline") or "") and "FINISHED_OK" in t and t,
    )
    clock_after = admin("GET", "clock")["millis"]
    if clock_after - clock_before < 60_000:
        raise Failed(f"the clock moved {clock_after - clock_before} ms, not the {ADVANCE_BY} clicked")
    print("page: FINISHED_OK; timeline: " + " | ".join(timeline.splitlines()))
    browser.wait("startLogin in the journal", lambda: "startLogin" in (browser.text("#journal") or ""))
    # The exchange's bodies, opened as a user would (and in the screenshot).
    browser.click("#journal details summary")
    browser.wait("the request's body", lambda: "billonUserName" in (browser.text("#journal details") or ""))
    print("page: journal shows startLogin with its bodies")

    browser.screenshot(os.path.join(WORK, "dashboard.png"))
    print("screenshot: dashboard.png")


def main():
    print("version: " + versions(), flush=True)
    browser = None
    try:
        browser = Browser(WORK)
        journey(browser)
    except Failed as failure:
        if browser and browser.session:
            try:
                browser.screenshot(os.path.join(WORK, "failure.png"))
            except Exception:
                pass
        print(f"FAILED: {failure}")
        return 1
    finally:
        if browser:
            browser.close()
    print("journey: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

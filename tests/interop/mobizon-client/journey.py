#!/usr/bin/env python3
"""The Mobizon journey through the PyPI client mobizon-client (third-party; source
github.com/devstsoy/mobizon-client), pointed at the emulator by its base URL only.

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; BASE_URL is http://127.0.0.1:PORT/,
WORK_DIR is not used). The shared checks are in ../python/checks.py.

Written the way the package's users write code (its README): `MobizonClient(url=..., api_key=...)`
with the API host as `url`, then `client.request(<path>, payload={...})`, which POSTs the payload
as JSON to `<url><path>?output=json&api=v1&apiKey=<key>` and returns the answer's `data`. The
package has helpers only for balance and SMS, so taskqueue and campaign calls go through
`request()` with a plain path string, as its users must.

mobizon-client reads any answer whose `code` is not 0 by calling `.get` on the httpx Response,
so every non-zero code (100 "sent to background" included) surfaces as an AttributeError. It
therefore cannot start a background task itself: the journey starts one with a raw
form-encoded campaign/addRecipients (urllib, like the docs' curl example) and another through
the emulator's admin API, and follows both with the client.

Steps:
1. campaign/create through the client (code 0): `data` is the new campaign's id.
2. campaign/addRecipients for that campaign with `recipientGroups` (raw HTTP): code 100 and
   `data` the numeric id of the background task.
3. Poll taskqueue/getStatus with MobizonClient until `status` is 2 (at most 50 polls, no sleep;
   tasks move one status per poll in the suite): `progress` and `status` are integers,
   `progress` within 0..100 and never falling, statuses only moving forward through 0, 1, 2,
   the task seen unfinished at least once, progress 100 at status 2. Status 0 is seen only
   when a poll answers before it moves the task: under the suite's per-poll progression the
   engine moves first, so polls usually show 1 -> 2; both are accepted.
4. A task made with the admin API (`POST __admin/tasks`, frontDoor mobizon, type
   campaign.addRecipients), followed the same way with AsyncMobizonClient.
"""

import asyncio
import json
import random
import string
import urllib.error
import urllib.parse
import urllib.request
from importlib.metadata import version

from mobizon_client import AsyncMobizonClient, MobizonClient

from checks import MAX_POLLS, check, check_true, fail, run

# Shaped like the docs' KKKK...KKKK: 40 uppercase letters and digits.
API_KEY = "".join(random.choices(string.ascii_uppercase + string.digits, k=40))
GROUP_ID = 1


def raw_post(url, form):
    """A form-encoded POST with the standard library; returns the parsed JSON answer."""
    body = urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, text = resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
    check(f"POST {url.split('?')[0]}: HTTP status", 200, status)
    try:
        return json.loads(text)
    except ValueError:
        fail(f"POST {url.split('?')[0]}: answer", "a JSON envelope", text)


def admin_post(url, document):
    req = urllib.request.Request(url, data=json.dumps(document).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        fail(f"POST {url}", "a 2xx answer", f"{e.code} {e.read().decode('utf-8', 'replace')}")


# Diagnostics only (users do not do this): the last answer body the client received, so that a
# failure can show the code the client hid behind its AttributeError.
LAST_ANSWER = [None]


def remember(response):
    response.read()
    LAST_ANSWER[0] = f"HTTP {response.status_code} {response.text}"


async def aremember(response):
    await response.aread()
    LAST_ANSWER[0] = f"HTTP {response.status_code} {response.text}"


def calling(what, call):
    """Runs a mobizon-client call; the client's failure on a non-zero code becomes a check."""
    try:
        return call()
    except AttributeError:  # code != 0: the client calls .get on the httpx Response
        fail(f"{what}: answer code", "code 0 (mobizon-client raises AttributeError on any other)",
             LAST_ANSWER[0])


async def acalling(what, call):
    try:
        return await call()
    except AttributeError:
        fail(f"{what}: answer code", "code 0 (mobizon-client raises AttributeError on any other)",
             LAST_ANSWER[0])


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class Progress:
    """Checks the `data` of successive getStatus answers for one task: `progress` and `status`
    are integers, progress within 0..100 and never falling, status only moving forward through
    0, 1, 2; at status 2 progress is 100 and the task was seen unfinished before."""

    def __init__(self, what):
        self.what = what
        self.statuses = []
        self.progresses = []

    def see(self, data):
        """Checks one answer's data; True once the task has completed."""
        what = f"{self.what}: poll {len(self.progresses) + 1}"
        check_true(f"{what}: data has progress and status",
                   isinstance(data, dict) and "progress" in data and "status" in data,
                   "an object with progress and status", data)
        status, progress = data["status"], data["progress"]
        check_true(f"{what}: status is a JSON integer", is_int(status), "an integer", status)
        check_true(f"{what}: progress is a JSON integer", is_int(progress), "an integer", progress)
        check_true(f"{what}: progress within 0..100", 0 <= progress <= 100, "0..100", progress)
        check_true(f"{what}: status is 0, 1 or 2", status in (0, 1, 2), "0, 1 or 2", status)
        if self.statuses:
            check_true(f"{what}: status moves only forward", status >= self.statuses[-1],
                       f">= {self.statuses[-1]}", status)
            check_true(f"{what}: progress never falls", progress >= self.progresses[-1],
                       f">= {self.progresses[-1]}", progress)
        if status == 0:
            check(f"{what}: progress while waiting to start", 0, progress)
        if not self.statuses or self.statuses[-1] != status:
            self.statuses.append(status)
        self.progresses.append(progress)
        if status != 2:
            return False
        check(f"{self.what}: progress of the completed task", 100, progress)
        check_true(f"{self.what}: the task was seen unfinished before it completed",
                   len(self.progresses) >= 2 and 1 in self.statuses, "status 1 on an earlier poll",
                   f"statuses {self.statuses} in {len(self.progresses)} polls")
        return True

    def gave_up(self):
        fail(f"{self.what}: to complete within {MAX_POLLS} polls", "status 2",
             f"statuses {self.statuses}")

    def __str__(self):
        return (f"statuses {' -> '.join(map(str, self.statuses))} in {len(self.progresses)} polls,"
                f" progress {' '.join(map(str, self.progresses))}")


def journey(base_url, work_dir):
    api = base_url if base_url.endswith("/") else base_url + "/"
    query = urllib.parse.urlencode({"output": "json", "api": "v1", "apiKey": API_KEY})

    # As in the package's README: the API host, no trailing slash.
    client = MobizonClient(url=api.rstrip("/"), api_key=API_KEY)
    client._client.event_hooks = {"response": [remember]}  # diagnostics, see LAST_ANSWER
    try:
        # 1. campaign/create (code 0): data is the campaign id (a number or a numeric string).
        campaign_id = calling("campaign/create", lambda: client.request("/service/campaign/create", payload={
            "data": {"type": 2, "from": "Alpha", "text": "Interop test: mobizon-client"},
        }))
        check_true("campaign/create: data is a campaign id", str(campaign_id).isdigit(),
                   "a numeric id", campaign_id)
        print(f"campaign/create via client.request: campaign {campaign_id}", flush=True)

        # 2. The client cannot take code 100, so the task is started with a raw form POST,
        #    as in the docs' curl example.
        answer = raw_post(f"{api}service/campaign/addRecipients?{query}",
                          {"id": campaign_id, "recipientGroups[0]": GROUP_ID})
        check("campaign/addRecipients (recipientGroups): code", 100, answer.get("code"))
        task_id = answer.get("data")
        check_true("campaign/addRecipients: data is the task id, a JSON integer",
                   is_int(task_id) and task_id > 0, "a positive integer", task_id)
        print(f"campaign/addRecipients raw form POST (recipientGroups): code 100, task {task_id}", flush=True)

        # 3. Follow it with the client, the seed page's spelling of the path.
        progress = Progress(f"getStatus of task {task_id}")
        for _ in range(MAX_POLLS):
            data = calling(progress.what, lambda: client.request("/service/Taskqueue/GetStatus",
                                                                 payload={"id": task_id}))
            if progress.see(data):
                break
        else:
            progress.gave_up()
        print(f"taskqueue getStatus via MobizonClient.request('/service/Taskqueue/GetStatus'):"
              f" task {task_id} {progress}", flush=True)
    finally:
        client.close()

    # 4. A task made through the admin API, followed with the async client and the
    #    examples' spelling of the path.
    made = admin_post(f"{api}__admin/tasks", {"frontDoor": "mobizon", "type": "campaign.addRecipients"})
    check_true("POST __admin/tasks: id", str(made.get("id", "")).isdigit(), "a numeric id", made)
    admin_task = int(made["id"])

    async def follow():
        aclient = AsyncMobizonClient(url=api.rstrip("/"), api_key=API_KEY)
        aclient._client.event_hooks = {"response": [aremember]}  # diagnostics, see LAST_ANSWER
        progress = Progress(f"getStatus of admin task {admin_task}")
        try:
            for _ in range(MAX_POLLS):
                data = await acalling(progress.what, lambda: aclient.request(
                    "/service/taskqueue/getStatus", payload={"id": admin_task}))
                if progress.see(data):
                    return progress
            progress.gave_up()
        finally:
            await aclient.close()

    progress = asyncio.run(follow())
    print(f"admin task {admin_task} via AsyncMobizonClient.request('/service/taskqueue/getStatus'):"
          f" {progress}", flush=True)


if __name__ == "__main__":
    run(f"mobizon-client {version('mobizon-client')}", journey)

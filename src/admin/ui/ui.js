// The dashboard: polls the admin API every second and draws what it answers. Plain DOM, no
// framework; every piece of data goes in as text (textContent), never as markup.
"use strict";

(function () {
  var TOKEN = new URLSearchParams(location.search).get("token");
  var BASE = "/__admin/";
  var POLL_MS = 1000;
  var JOURNAL_LIMIT = 30;
  var TASK_LIMIT = 100;

  var selected = null; // {door, id}
  var busy = false;
  var shown = { journal: "", world: "" };
  var known = { types: new Set(), statuses: new Set() };
  var journalOpen = new Set();

  function $(id) {
    return document.getElementById(id);
  }

  // An element with text (or child elements) and properties: el("td", {className: "x"}, "text").
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "dataset") {
        Object.assign(node.dataset, props.dataset);
      } else {
        node[key] = props[key];
      }
    });
    [].concat(children === undefined ? [] : children).forEach(function (child) {
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function api(method, path, body) {
    var headers = {};
    if (TOKEN) headers.Authorization = "Bearer " + TOKEN;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(BASE + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.text().then(function (text) {
        var data = text ? JSON.parse(text) : null;
        if (!response.ok) {
          var message = data && data.error ? data.error : text;
          throw new Error(method + " " + path + ": " + response.status + " " + message);
        }
        return data;
      });
    });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value !== "" && value !== undefined && value !== null) {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function taskPath(task, rest) {
    return "tasks/" + encodeURIComponent(task.id) + (rest || "") + query({ frontDoor: task.door });
  }

  // Virtual times as the emulator writes them, to the millisecond: "2026-01-01 12:00:05.250".
  function time(text) {
    return text ? String(text).replace("T", " ").replace(/(\.\d{3})\d*/, "$1").replace(/Z$/, "") : "";
  }

  function since(from, to) {
    var ms = Date.parse(to) - Date.parse(from);
    return isNaN(ms) ? "" : "+" + (ms / 1000).toFixed(3).replace(/\.?0+$/, "") + "s";
  }

  function statusClass(task) {
    if (!task.finished) return "status running";
    // Each door's success: FINISHED_OK, Mobizon's 2, Bitrix24's F, ricloud's and IntellectMoney's.
    return /(^|_)OK$|^succeeded$|^Succeeded$|^2$|^F$/.test(task.status) ? "status ok" : "status failed";
  }

  function showError(error) {
    $("error").hidden = !error;
    $("error").textContent = error ? String(error.message || error) : "";
  }

  // --- the clock

  function drawClock(clock) {
    $("clock-now").textContent = time(clock.now);
    $("clock-state").textContent = clock.frozen ? "frozen" : "running";
    $("clock-state").className = "badge " + (clock.frozen ? "frozen" : "running");
    $("freeze").disabled = clock.frozen;
    $("resume").disabled = !clock.frozen;
  }

  // --- tasks

  function listTasks() {
    var filter = {
      frontDoor: $("filter-door").value,
      type: $("filter-type").value.trim(),
      status: $("filter-status").value.trim(),
    };
    // Oldest first: the newest TASK_LIMIT are the last page.
    return api("GET", "tasks" + query(Object.assign({ limit: TASK_LIMIT }, filter))).then(function (page) {
      if (page.total <= TASK_LIMIT) return page;
      var offset = page.total - TASK_LIMIT;
      return api("GET", "tasks" + query(Object.assign({ limit: TASK_LIMIT, offset: offset }, filter)));
    });
  }

  function drawTasks(page) {
    var body = $("tasks").tBodies[0];
    var rows = page.tasks.slice().reverse().map(function (task) {
      known.types.add(task.type);
      known.statuses.add(task.status);
      var row = el("tr", { dataset: { taskId: task.taskId, frontDoor: task.frontDoor } }, [
        el("td", {}, task.frontDoor),
        el("td", { className: "id" }, task.taskId),
        el("td", {}, task.type),
        el("td", { className: statusClass(task) }, task.status),
        el("td", { className: "num" }, task.progressPercent),
        el("td", { title: time(task.created) }, time(task.created).slice(11)),
        el("td", { title: time(task.nextStep) }, time(task.nextStep).slice(11)),
      ]);
      if (selected && selected.id === task.taskId && selected.door === task.frontDoor) {
        row.className = "selected";
      }
      row.addEventListener("click", function () {
        select({ door: task.frontDoor, id: task.taskId });
      });
      return row;
    });
    body.replaceChildren.apply(body, rows);
    $("tasks-count").textContent =
      page.tasks.length < page.total ? "newest " + page.tasks.length + " of " + page.total : String(page.total);
    fillList($("known-types"), known.types);
    fillList($("known-statuses"), known.statuses);
  }

  function fillList(list, values) {
    if (list.children.length === values.size) return;
    list.replaceChildren.apply(
      list,
      Array.from(values).sort().map(function (value) {
        return el("option", { value: value });
      })
    );
  }

  // --- one task: its timeline and what can be done to it

  function select(task) {
    selected = task;
    $("force-path").value = "";
    refresh();
  }

  function drawTask(task) {
    var panel = $("task-panel");
    panel.hidden = !selected;
    if (!selected) return;
    $("task-id").textContent = selected.id;
    $("task-door").textContent = selected.door;
    if (!task) {
      $("task-type").textContent = "";
      $("task-status").textContent = "gone (expired or deleted)";
      $("timeline").replaceChildren();
      $("task-detail").textContent = "";
      return;
    }
    $("task-type").textContent = task.type;
    $("task-status").textContent = task.status;
    $("task-status").className = statusClass(task);
    var steps = task.history.map(function (step) {
      return el("li", {}, [
        el("span", { className: "status" }, step.status),
        " ",
        el("time", {}, time(step.at)),
        " ",
        el("span", { className: "muted" }, since(task.created, step.at)),
      ]);
    });
    if (task.nextStep) {
      steps.push(el("li", { className: "next muted" }, ["next step due ", el("time", {}, time(task.nextStep))]));
    }
    $("timeline").replaceChildren.apply($("timeline"), steps);
    $("step").disabled = task.finished;
    $("force").disabled = task.finished;
    $("task-detail").textContent = JSON.stringify(task, null, 2);
  }

  function getTask() {
    if (!selected) return Promise.resolve(null);
    return api("GET", taskPath(selected)).catch(function (error) {
      if (/: 404 /.test(error.message)) return null;
      throw error;
    });
  }

  // --- the journal and the world

  function drawJournal(journal) {
    var entries = journal.entries.slice().reverse();
    var key = journal.enabled + ":" + entries.map(function (e) { return e.seq; }).join(",");
    $("journal-count").textContent = journal.enabled ? "last " + entries.length : "off (--journal-size 0)";
    if (key === shown.journal) return;
    shown.journal = key;
    var items = entries.map(function (entry) {
      var details = el("details", { dataset: { seq: entry.seq } }, [
        el("summary", {}, [
          el("span", { className: "muted" }, "#" + entry.seq + " "),
          el("time", {}, time(entry.at)),
          " ",
          el("strong", {}, entry.operation || "(no operation)"),
          " → ",
          el("span", { className: entry.httpStatus < 400 ? "status ok" : "status failed" }, entry.httpStatus),
          el("span", { className: "muted" }, " " + (entry.durationMicros / 1000).toFixed(1) + " ms"),
        ]),
        el("h3", {}, "request"),
        el("pre", {}, entry.request),
        el("h3", {}, "response"),
        el("pre", {}, entry.response),
      ]);
      details.open = journalOpen.has(entry.seq);
      details.addEventListener("toggle", function () {
        if (details.open) journalOpen.add(entry.seq);
        else journalOpen.delete(entry.seq);
      });
      return details;
    });
    $("journal").replaceChildren.apply($("journal"), items);
  }

  function drawWorld(world) {
    var text = JSON.stringify(world, null, 2);
    if (text !== shown.world) {
      shown.world = text;
      $("world").textContent = text;
    }
  }

  // --- the loop

  function refresh() {
    if (busy) return Promise.resolve();
    busy = true;
    return Promise.all([
      api("GET", "clock"),
      listTasks(),
      getTask(),
      api("GET", "journal" + query({ limit: JOURNAL_LIMIT })),
      api("GET", "world"),
    ])
      .then(function (answers) {
        drawClock(answers[0]);
        drawTasks(answers[1]);
        drawTask(answers[2]);
        drawJournal(answers[3]);
        drawWorld(answers[4]);
        $("updated").textContent = "updated " + new Date().toLocaleTimeString();
        showError(null);
      })
      .catch(showError)
      .then(function () {
        busy = false;
      });
  }

  // An action, then a fresh look (after any poll in flight, so the answer is not stale).
  function act(method, path, body) {
    return api(method, path, body)
      .then(function () {
        return waitIdle();
      })
      .then(refresh)
      .catch(showError);
  }

  function waitIdle() {
    return new Promise(function (resolve) {
      (function check() {
        if (busy) setTimeout(check, 20);
        else resolve();
      })();
    });
  }

  function start() {
    $("freeze").addEventListener("click", function () {
      act("POST", "clock/freeze");
    });
    $("resume").addEventListener("click", function () {
      act("POST", "clock/resume");
    });
    $("advance").addEventListener("click", function () {
      act("POST", "clock/advance", { by: $("advance-by").value.trim() });
    });
    $("step").addEventListener("click", function () {
      if (selected) act("POST", taskPath(selected, "/step"));
    });
    $("force").addEventListener("click", function () {
      if (!selected) return;
      var path = $("force-path").value.split(/[\s,]+/).filter(Boolean);
      act("POST", taskPath(selected, "/force"), { path: path });
    });
    $("filters").addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
    });
    ["filter-door", "filter-type", "filter-status"].forEach(function (id) {
      $(id).addEventListener("change", refresh);
    });

    refresh();
    setInterval(refresh, POLL_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

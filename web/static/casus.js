// Casus console: live updates by polling, deadline countdowns, confirmations.
// No inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  function dirty() {
    // A form being filled in must not be lost to a reload.
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "submit") return true;
    var fields = document.querySelectorAll("textarea, input[type=text], input[type=radio]");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "radio" ? f.checked !== f.defaultChecked : f.value !== f.defaultValue) return true;
    }
    return false;
  }

  // Pages opened together poll together, and a change reaches them all in the same second: the
  // thirty cells of a room would then ask for the new state at once, and the last would wait
  // behind the other twenty-nine. Each page polls every 2.5 s give or take a fifth, and after a
  // change waits a moment of its own (under a second) before it reloads.
  var POLL_EVERY = 2500, RELOAD_SPREAD = 1000;
  function nextPoll() { return POLL_EVERY * (0.8 + 0.4 * Math.random()); }

  function startPolling() {
    var url = document.body.getAttribute("data-poll");
    if (!url) return;
    // The version of the state this page shows, rendered with it: a change made between the
    // render and the first poll's answer then reloads the page instead of becoming its baseline.
    var known = document.body.getAttribute("data-version");
    var leaving = false;
    var stale = document.getElementById("stale");
    // A submitted form is on its way (a what-if can take seconds): a reload would abandon its answer.
    document.addEventListener("submit", function () { leaving = true; });
    function tick() {
      if (leaving) return;
      fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (r) {
          // Refused (a replaced join link, an ended session): reload, and the page says why.
          if (r.status === 401 || r.status === 403) { leaving = true; window.location.reload(); return null; }
          return r.ok ? r.json() : null;
        })
        .then(function (data) {
          if (!data) return;
          syncCountdown(data.seconds_left, data.paused);
          (data.decided_by_umpire || []).forEach(function (d) { closeForm(d.state, d.attack, d.notice); });
          if (data.deadline_passed) closeForms(DEADLINE_NOTICE);
          else if (!data.paused && (data.seconds_left === null || data.seconds_left > 0)) reopenForms();
          if (known === null) { known = data.version; return; }
          if (data.version !== known) {
            if (dirty()) { if (stale) stale.hidden = false; }
            else reloadSoon();
          }
        })
        .catch(function () { /* the server may be restarting: try again at the next tick */ })
        .then(function () { window.setTimeout(tick, nextPoll()); });
    }
    var reloading = false;
    function reloadSoon() {
      if (reloading) return;
      reloading = true;
      window.setTimeout(function () {
        reloading = false;
        if (leaving) return;
        // The cell may have begun to type meanwhile: its text outranks the reload.
        if (dirty()) { if (stale) stale.hidden = false; return; }
        leaving = true;
        window.location.reload();
      }, Math.random() * RELOAD_SPREAD);
    }
    tick();
  }

  // A decision the cell can no longer give: its form closes with a notice, and what the cell
  // typed stays on the page (read-only, to copy into a message) instead of being lost to an error.
  var DEADLINE_NOTICE = "The deadline has passed: the umpire decides now. What you typed is kept below.";
  function closeOne(form, notice, why) {
    if (form.classList.contains("closed")) return;
    form.classList.add("closed");
    form.setAttribute("data-closed-by", why || "umpire");
    var p = document.createElement("p");
    p.className = "flash warning closed-notice";
    p.setAttribute("role", "status");
    p.textContent = notice;
    form.parentNode.insertBefore(p, form);
    var fields = form.querySelectorAll("input, textarea, button");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.tagName === "TEXTAREA") f.readOnly = true;
      else if (f.type !== "hidden") f.disabled = true;
    }
  }
  function closeForm(state, attack, notice) {
    var forms = document.querySelectorAll("form.decide-form");
    for (var i = 0; i < forms.length; i++) {
      var f = forms[i];
      if (f.getAttribute("data-state") !== state || f.getAttribute("data-attack") !== attack) continue;
      if (f.getAttribute("data-closed-by") === "deadline") {   // the umpire's word outlasts the deadline
        f.setAttribute("data-closed-by", "umpire");
        var shown = f.previousElementSibling;
        if (shown && shown.classList.contains("closed-notice")) shown.textContent = notice;
      }
      closeOne(f, notice);
    }
  }
  function closeForms(notice) {
    var forms = document.querySelectorAll("form.decide-form");
    for (var i = 0; i < forms.length; i++) closeOne(forms[i], notice, "deadline");
  }
  // The umpire gave more time: forms the deadline closed on this page open again.
  function reopenForms() {
    var forms = document.querySelectorAll("form.decide-form[data-closed-by=deadline]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i], notice = form.previousElementSibling;
      if (notice && notice.classList.contains("closed-notice")) notice.parentNode.removeChild(notice);
      form.classList.remove("closed");
      form.removeAttribute("data-closed-by");
      var fields = form.querySelectorAll("input, textarea, button");
      for (var k = 0; k < fields.length; k++) { fields[k].readOnly = false; fields[k].disabled = false; }
    }
  }

  var countdowns = [];
  function format(s) {
    s = Math.max(0, Math.round(s));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function syncCountdown(seconds, paused) {
    countdowns.forEach(function (c) {
      if (seconds === null || seconds === undefined) return;
      c.left = seconds; c.paused = !!paused; c.el.textContent = format(c.left);
    });
  }
  function startCountdowns() {
    var els = document.querySelectorAll(".countdown[data-seconds]");
    for (var i = 0; i < els.length; i++) {
      countdowns.push({el: els[i], left: parseFloat(els[i].getAttribute("data-seconds")),
                       paused: els[i].getAttribute("data-paused") === "1"});
    }
    if (!countdowns.length) return;
    window.setInterval(function () {
      countdowns.forEach(function (c) {
        if (c.paused) return;
        c.left = Math.max(0, c.left - 1);
        c.el.textContent = format(c.left);
        c.el.classList.toggle("late", c.left <= 60);
        if (c.left <= 0) closeForms(DEADLINE_NOTICE);
      });
    }, 1000);
  }

  function confirmations() {
    document.addEventListener("click", function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute("data-confirm") && !window.confirm(t.getAttribute("data-confirm"))) {
        ev.preventDefault();
      }
    });
    var reload = document.getElementById("stale-reload");
    if (reload) reload.addEventListener("click", function (ev) { ev.preventDefault(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startPolling();
    startCountdowns();
    confirmations();
  });
})();

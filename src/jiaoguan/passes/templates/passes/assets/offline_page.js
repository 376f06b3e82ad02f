// The verify page, online or not: keep the trust snapshot fresh in localStorage, send the check to the
// server when it can be reached, and verify in the browser (offline_verify.js) when it cannot. Either
// way the officer sees the same full-screen green or grey answer; offline scans are kept and sent to
// the checkpoint log (POST /api/v1/checkpoint/scans) once the network is back.
(function () {
  "use strict";
  var TRUST_KEY = "jiaoguan.offlineTrust", SCANS_KEY = "jiaoguan.offlineScans";
  var ONLINE_TIMEOUT_MS = 4000, REFRESH_MS = 15 * 60 * 1000;
  var form = document.getElementById("verify-form");
  var dataNode = document.getElementById("offline-data");
  if (!form || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var panel = document.getElementById("verify-panel");
  var status = document.getElementById("offline-status");
  var capable = !!(window.crypto && window.crypto.subtle && window.DecompressionStream && window.JiaoguanOffline);

  function readJson(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  // A snapshot kept by an older page lacks what this verifier needs: as good as none until refreshed.
  function readTrust() {
    var snapshot = readJson(TRUST_KEY);
    return snapshot && snapshot.version === data.snapshot_version ? snapshot : null;
  }
  function writeJson(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or denied */ }
  }

  function when(seconds) {
    return new Date(seconds * 1000).toLocaleString(data.locale === "en" ? "en-GB" : "zh-CN",
      { timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit" });
  }
  function day(seconds) {
    return new Date(seconds * 1000).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
  }

  function showStatus() {
    var snapshot = readTrust();
    if (!capable) {
      status.textContent = data.texts.unsupported;
    } else if (snapshot) {
      status.textContent = data.texts.ready.replace("{time}", when(snapshot.issued_at));
      status.setAttribute("data-issued-at", String(snapshot.issued_at));
    } else {
      status.textContent = data.texts.missing;
    }
  }

  function refreshTrust() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return fetch(data.snapshot_url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (snapshot) {
        if (snapshot && snapshot.version === data.snapshot_version) { writeJson(TRUST_KEY, snapshot); }
      })
      .catch(function () { /* no network: keep the snapshot we have */ })
      .then(showStatus);
  }

  function sendScans() {
    var scans = readJson(SCANS_KEY) || [];
    if (!scans.length || !navigator.onLine) { return; }
    var token = form.querySelector('input[name="csrf_token"]').value;
    fetch(data.scans_url, { method: "POST", credentials: "same-origin", body: JSON.stringify({ scans: scans }),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token } })
      .then(function (r) {
        if (!r.ok) { return; }
        var sent = {};
        scans.forEach(function (s) { sent[s.scan_id] = true; });
        writeJson(SCANS_KEY, (readJson(SCANS_KEY) || []).filter(function (s) { return !sent[s.scan_id]; }));
      })
      .catch(function () { /* tried again when the network returns */ });
  }

  function field(name) { var f = form.elements.namedItem(name); return f ? f.value : ""; }

  function showVerdict(section) {
    panel.hidden = true;
    panel.parentNode.insertBefore(section, panel);
    var next = section.querySelector("#next-vehicle");
    if (next) {
      next.addEventListener("click", function (event) {
        event.preventDefault();
        section.remove();
        panel.hidden = false;
        form.elements.namedItem("qr").value = "";
        form.elements.namedItem("plate").value = "";
        form.elements.namedItem("check_ms").value = "";
        form.elements.namedItem("qr").focus();
        document.title = data.texts.title;
      });
      next.focus();
    }
    window.scrollTo(0, 0);
  }

  function fill(section, name, text) {
    var node = section.querySelector('[data-field="' + name + '"]');
    if (node) { node.textContent = text; }
    return node;
  }

  function render(result, snapshot) {
    var section = document.getElementById("offline-verdict").content.firstElementChild.cloneNode(true);
    var valid = result.valid, texts = data.reasons[valid ? "valid" : result.reason];
    section.classList.add(valid ? "valid" : "invalid");
    section.setAttribute("data-result", valid ? "valid" : "invalid");
    section.setAttribute("data-reason", result.reason || "");
    section.setAttribute("data-offline", "true");
    section.querySelector(valid ? ".when-invalid" : ".when-valid").remove();
    section.querySelector("#reason-zh").textContent = texts[0];
    section.querySelector("#reason-en").textContent = texts[1];
    fill(section, "note", data.texts.note.replace("{time}", when(snapshot.issued_at)));
    var c = result.content;
    if (c) {
      section.querySelector(".offline-content").hidden = false;
      fill(section, "plate", c.plate);
      fill(section, "plate_colour", data.colours[c.plate_colour] || c.plate_colour);
      fill(section, "pass_no", c.pass_no);
      fill(section, "route", c.origin + " → " + c.destination);
      fill(section, "cargo", data.cargo[c.cargo_category] || c.cargo_category);
      if (result.claims && result.claims.nbf !== null) {
        fill(section, "validity", day(result.claims.nbf) + " – " + day(result.claims.exp - 1));
      } else {
        fill(section, "validity", "");
      }
      fill(section, "crew_count", String(c.crew_count));
      var body = section.querySelector('[data-field="crew"]');
      c.crew.forEach(function (m) {
        var row = body.insertRow();
        row.insertCell().textContent = m.name;
        row.insertCell().textContent = m.id_number;
      });
      section.querySelector('[data-field="not-authentic"]').hidden = result.checks.indexOf("signature") >= 0;
    }
    var point = form.elements.namedItem("checkpoint");
    var pointName = point && point.selectedIndex >= 0 ? point.options[point.selectedIndex].text : "";
    fill(section, "where", pointName + " · " + data.texts.lane + " " + field("lane"));
    document.title = valid ? data.texts.valid_title : data.texts.invalid_title;
    showVerdict(section);
  }

  function verifyHere() {
    var snapshot = readTrust();
    if (!capable || !snapshot) {
      status.textContent = capable ? data.texts.missing : data.texts.unsupported;
      status.focus();
      return Promise.resolve();
    }
    var started = performance.now(), plate = field("plate").trim();
    return window.JiaoguanOffline.verify(field("qr").trim(), snapshot, { plate: plate || null }).then(function (result) {
      render(result, snapshot);
      var scans = readJson(SCANS_KEY) || [];
      scans.push({ scan_id: "offline-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10),
        checkpoint: field("checkpoint"), lane: field("lane") || "1", scanned_at: new Date().toISOString(),
        valid: result.valid, reason: result.reason, plate: result.content ? result.content.plate.slice(0, 20) : null,
        pass_no: result.content ? result.content.pass_no.slice(0, 12) : null,
        check_ms: Math.max(1, Math.round(Number(field("check_ms")) || performance.now() - started)) });
      writeJson(SCANS_KEY, scans.slice(-1000));
    });
  }

  function verifyOnServer() {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, ONLINE_TIMEOUT_MS);
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.action, { method: "POST", body: body, credentials: "same-origin", signal: controller.signal })
      .then(function (response) {
        window.clearTimeout(timer);
        return response.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var verdict = doc.getElementById("verdict");
          if (!verdict) { document.open(); document.write(html); document.close(); return; }
          document.title = doc.title;
          showVerdict(document.importNode(verdict, true));
        });
      }, function () {
        window.clearTimeout(timer);
        return verifyHere();  // the server cannot be reached: the lane does not wait for it
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (navigator.onLine) { verifyOnServer(); } else { verifyHere(); }
  });

  window.addEventListener("online", function () { refreshTrust(); sendScans(); });
  showStatus();
  refreshTrust().then(sendScans);
  window.setInterval(refreshTrust, REFRESH_MS);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.worker_url, { scope: "/checkpoint/" }).catch(function () {});
  }
})();

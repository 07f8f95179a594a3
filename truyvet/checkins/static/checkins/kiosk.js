/* Gate kiosk: scanner (keyboard + Enter) or camera reads -> a queue in
   localStorage -> POST to the server. Each scan has a client UUID, so a resend
   is harmless; a scan leaves the queue only when the server has answered for it. */
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) return;
  var postUrl = root.dataset.post;
  var KEY = "tv-kiosk-queue-" + root.dataset.place;
  var t = JSON.parse(document.getElementById("kiosk-i18n").textContent);
  var input = document.getElementById("scan-input");
  var form = document.getElementById("scan-form");
  var box = document.getElementById("result");
  var direction = "in";
  var sending = false;
  var lastId = null;

  function csrf() {
    var el = form.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    (window.crypto || {}).getRandomValues ? crypto.getRandomValues(b) : b.forEach(function (_, i) { b[i] = Math.random() * 256; });
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); count(); }
  function count() {
    document.getElementById("queue-count").textContent = load().length;
    document.getElementById("net-state").textContent = navigator.onLine ? t.online : t.offline;
  }
  function show(color, title, name, detail) {
    box.className = "result " + color;
    document.getElementById("r-title").textContent = title || "";
    document.getElementById("r-name").textContent = name || "";
    document.getElementById("r-detail").textContent = detail || "";
  }

  function flush() {
    if (sending) return;
    var q = load();
    if (!q.length) { count(); return; }
    sending = true;
    var batch = q.slice(0, 200);
    fetch(postUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ scans: batch })
    }).then(function (r) {
      if (r.status === 403 || r.redirected) { show("red", t.saved, "", t.login); throw new Error("auth"); }
      if (!r.ok) throw new Error("http " + r.status);
      return r.json();
    }).then(function (data) {
      var done = {};
      data.results.forEach(function (res) {
        done[res.client_id] = true;
        if (res.client_id === lastId) show(res.color, res.title, res.name, res.detail);
      });
      save(load().filter(function (s) { return !done[s.client_id]; }));
      sending = false;
      if (load().length) setTimeout(flush, 50);
    }).catch(function () {
      sending = false;
      count();
    });
  }

  function scan(code) {
    code = (code || "").trim();
    if (!code) return;
    var item = { client_id: uuid(), code: code, direction: direction, time: new Date().toISOString() };
    lastId = item.client_id;
    var q = load(); q.push(item); save(q);
    if (!navigator.onLine) { show("amber", t.saved, "", t.saved_detail); return; }
    show("idle", "…", "", "");
    var before = lastId;
    flush();
    setTimeout(function () {  // no answer yet: say it is kept
      if (lastId === before && box.className.indexOf("idle") >= 0) show("amber", t.saved, "", t.saved_detail);
    }, 3000);
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); scan(input.value); input.value = ""; });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-dir]");
    if (b) {
      direction = b.dataset.dir;
      root.querySelectorAll("button[data-dir]").forEach(function (x) {
        x.setAttribute("aria-pressed", x === b ? "true" : "false");
      });
    }
    if (!e.target.closest || !e.target.closest("#camera-btn")) input.focus();
  });
  window.addEventListener("online", function () { count(); flush(); });
  window.addEventListener("offline", count);
  setInterval(flush, 5000);
  count();
  flush();
  input.focus();

  // Camera: only where the browser has BarcodeDetector; otherwise the scanner input.
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var btn = document.getElementById("camera-btn");
    var video = document.getElementById("camera");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var seen = {};
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        setInterval(function () {
          detector.detect(video).then(function (codes) {
            codes.forEach(function (c) {
              var now = Date.now();
              if (seen[c.rawValue] && now - seen[c.rawValue] < 3000) return;
              seen[c.rawValue] = now;
              scan(c.rawValue);
            });
          }).catch(function () {});
        }, 300);
      }).catch(function () { btn.hidden = true; });
    });
  }
}());

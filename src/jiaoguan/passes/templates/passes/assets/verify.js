// The officer's verify page: time the check, and scan with the camera where the browser can
// (BarcodeDetector); otherwise a keyboard-wedge scanner or paste fills the field and Enter submits.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  if (!form) { return; }
  var field = form.querySelector('input[name="qr"]');
  var timer = form.querySelector('input[name="check_ms"]');
  var started = null;
  function start() { if (started === null) { started = performance.now(); } }
  field.addEventListener("input", start);
  field.addEventListener("focus", start);
  form.addEventListener("submit", function () {
    if (started !== null) { timer.value = String(Math.max(1, Math.round(performance.now() - started))); }
  });
  var button = document.getElementById("camera-button");
  var note = document.getElementById("camera-note");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    if (note) { note.hidden = false; }
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    start();
    var video = document.getElementById("camera");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.hidden = false;
      video.srcObject = stream;
      video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            field.value = codes[0].rawValue;
            form.requestSubmit();
          } else {
            window.setTimeout(tick, 150);
          }
        }).catch(function () { window.setTimeout(tick, 300); });
      };
      tick();
    }).catch(function () { if (note) { note.hidden = false; } });
  });
})();

// The halls' display board (halls/board.html): live calls from the board stream, each new call spoken once.
// A file, not an inline script: the Content-Security-Policy admits scripts from this site's files only.
(function () {
  var root = document.getElementById("board");
  var body = document.getElementById("board-calls");
  var waiting = document.getElementById("board-waiting");
  var laneNames = JSON.parse(root.dataset.lanes || "{}");
  var spoken = {};
  Array.prototype.forEach.call(body.querySelectorAll("tr"), function (tr) { spoken[tr.dataset.key] = true; });
  function say(number, windowCode) {
    var text = "请 " + number.split("").join(" ") + " 号，到 " + windowCode + " 号窗口办理";
    root.dataset.lastSpoken = text;
    if (!("speechSynthesis" in window)) return;
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }
  function render(state) {
    body.textContent = "";
    state.calls.forEach(function (c, i) {
      var tr = document.createElement("tr");
      tr.dataset.key = c.number + "#" + c.calls;
      if (i === 0) tr.className = "latest";
      var a = document.createElement("td"); a.textContent = c.number;
      var b = document.createElement("td"); b.textContent = c.window;
      tr.appendChild(a); tr.appendChild(b); body.appendChild(tr);
    });
    waiting.textContent = Object.keys(state.waiting).map(function (k) {
      return (laneNames[k] || k) + ": " + state.waiting[k];
    }).join("  ");
    state.calls.slice().reverse().forEach(function (c) {
      var key = c.number + "#" + c.calls;
      if (!spoken[key]) { spoken[key] = true; say(c.number, c.window); }
    });
  }
  var source = new EventSource(root.dataset.stream);
  source.addEventListener("board", function (e) { render(JSON.parse(e.data)); root.dataset.updates = String((+root.dataset.updates || 0) + 1); });
})();

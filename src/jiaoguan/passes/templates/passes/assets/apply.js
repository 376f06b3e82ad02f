// The apply form's helps: a fleet vehicle fills plate, colour and VIN; an earlier crew member fills the row;
// the county fields search the GB/T 2260 list by name (the server also takes the name or the code typed).
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) { return; }
  function set(id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined && value !== null) { el.value = value; }
  }
  var fleet = document.getElementById("f-fleet");
  if (fleet) {
    fleet.addEventListener("change", function () {
      var opt = fleet.options[fleet.selectedIndex];
      if (!opt || !opt.value) { return; }
      set("f-plate_no", opt.value);
      set("f-vin", opt.getAttribute("data-vin"));
      set("f-plate_colour", opt.getAttribute("data-colour"));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select.crew-pick"), function (pick) {
    pick.addEventListener("change", function () {
      var opt = pick.options[pick.selectedIndex];
      if (!opt || !opt.value) { return; }
      var row = pick.getAttribute("data-row");
      set("f-crew-" + row + "-name", opt.getAttribute("data-name"));
      set("f-crew-" + row + "-id_number", opt.value);
      set("f-crew-" + row + "-phone", opt.getAttribute("data-phone"));
    });
  });
  var list = document.getElementById("counties");
  if (list && window.fetch) {
    fetch("/passes/counties.json", {credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (names) {
      var frag = document.createDocumentFragment();
      names.forEach(function (n) { var o = document.createElement("option"); o.value = n; frag.appendChild(o); });
      list.appendChild(frag);
    }).catch(function () { /* the fields still take a name or a code typed in full */ });
  }
}());

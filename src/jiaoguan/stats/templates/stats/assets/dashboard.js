// Draws each chart of the figures dashboard from the data table beside it (the table is the source:
// what a screen reader reads is what the chart shows). ECharts is vendored (/static/vendor/echarts).
(function () {
  "use strict";
  var charts = [];

  function readTable(table) {
    var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return c.textContent.trim(); });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      if (tr.cells.length !== head.length) { return; }  // "nothing counted" row
      rows.push(Array.prototype.map.call(tr.cells, function (c) { return c.textContent.trim(); }));
    });
    return { head: head, rows: rows };
  }

  function num(text) {
    var n = Number(String(text).replace(/[,\s%]/g, ""));
    return isFinite(n) ? n : 0;
  }

  function option(kind, data, narrow) {
    var base = {
      animation: false,
      tooltip: { trigger: kind === "funnel" ? "item" : "axis", confine: true },
      legend: { type: "scroll", top: 0, textStyle: { fontSize: narrow ? 10 : 12 } },
      grid: { left: 8, right: 12, top: 40, bottom: 8, containLabel: true }
    };
    if (kind === "funnel") {
      base.series = [{
        type: "funnel", sort: "none", top: 40, bottom: 8, left: "10%", width: "80%", minSize: "10%",
        label: { show: true, position: "inside", formatter: "{b}: {c}" },
        data: data.rows.map(function (r) { return { name: r[0], value: num(r[1]) }; })
      }];
      return base;
    }
    var categories = data.rows.map(function (r) { return kind === "line" ? r[0].slice(5) : r[0]; });
    base.xAxis = { type: "category", data: categories,
                   axisLabel: { rotate: narrow ? 45 : 0, fontSize: narrow ? 9 : 11, hideOverlap: true } };
    base.yAxis = { type: "value", minInterval: 1 };
    base.series = data.head.slice(1).map(function (name, i) {
      return { name: name, type: kind === "line" ? "line" : "bar", showSymbol: data.rows.length < 40,
               data: data.rows.map(function (r) { return num(r[i + 1]); }) };
    });
    return base;
  }

  function draw() {
    if (!window.echarts) { return; }
    var narrow = window.innerWidth < 600;
    document.querySelectorAll(".chart[data-table]").forEach(function (el) {
      var table = document.getElementById(el.getAttribute("data-table"));
      if (!table) { return; }
      var data = readTable(table);
      if (!data.rows.length) { el.hidden = true; return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(el.getAttribute("data-chart"), data, narrow), true);
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    document.documentElement.setAttribute("data-charts", "ready");
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.how").forEach(function (d) { d.open = true; });  // print says how
    charts.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());

// Small helpers shared by pages: ECharts boot from JSON script tags, confirm dialogs.
// The Content-Security-Policy runs no inline script or event handler: pages mark elements with data- attributes
// (data-autosubmit, data-confirm, data-goto) and the listeners below act on them.
(function () {
  function bootCharts(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.booted) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var option = JSON.parse(src.textContent);
      fitToPhone(el, option);
      var chart = echarts.init(el);
      chart.setOption(option);
      describe(el, option);
      el.dataset.booted = "1";
      var redraw = function () { chart.resize(); };
      window.addEventListener("resize", redraw);
      window.addEventListener("orientationchange", function () { window.setTimeout(redraw, 200); });
    });
  }

  function asList(x) { return x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]; }
  function value(v) {
    if (v && typeof v === "object" && !Array.isArray(v)) v = v.value;
    if (Array.isArray(v)) v = v[v.length - 1];
    return v === null || v === undefined || v === "-" ? "无" : String(v);
  }

  // On a narrow screen the axis labels (long township names) are kept inside the chart, and a chart with the
  // categories on the vertical axis gets a row of height per category, so no name is cut or drawn over another.
  function fitToPhone(el, option) {
    if (el.clientWidth >= 600) return;
    asList(option.grid).forEach(function (g) { g.containLabel = true; g.left = 8; g.right = 12; });
    if (!option.grid && (option.xAxis || option.yAxis)) option.grid = { left: 8, right: 12, containLabel: true };
    asList(option.yAxis).forEach(function (axis) {
      if (axis.type !== "category" || !axis.data) return;
      var wanted = axis.data.length * 26 + 90;
      if (el.clientHeight < wanted) el.style.height = wanted + "px";
    });
    asList(option.xAxis).forEach(function (axis) {
      if (axis.type === "category" && axis.data && axis.data.length > 6) {
        axis.axisLabel = Object.assign({ rotate: 40 }, axis.axisLabel || {}, { interval: 0, fontSize: 11 });
      }
    });
  }

  // A chart is a picture to a screen reader: its name and its figures are read out from the label
  // ("各乡镇案件：甸阳镇 3，老麦乡 5"), the canvas itself is hidden.
  function describe(el, option) {
    var panel = el.closest(".panel");
    var heading = panel && panel.querySelector("h2, h3");
    var title = (heading && heading.textContent.trim()) || "图表";
    var parts = [];
    var cats = null;
    asList(option.xAxis).concat(asList(option.yAxis)).forEach(function (axis) {
      if (!cats && axis.type === "category" && axis.data) cats = axis.data;
    });
    asList(option.series).forEach(function (s) {
      var data = asList(s.data);
      if (!data.length) return;
      var items = data.map(function (d, i) {
        var name = (d && typeof d === "object" && d.name) || (cats && cats[i]) || String(i + 1);
        return name + " " + value(d);
      });
      parts.push((s.name ? s.name + "：" : "") + items.join("，"));
    });
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", title + "。" + (parts.length ? parts.join("；") : "暂无数据"));
  }
  document.addEventListener("DOMContentLoaded", function () { bootCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { bootCharts(e.target); });
  window.jiaoyunBootCharts = bootCharts;
})();

(function () {
  // <select data-autosubmit>: submit its form when the choice changes.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  // The menu button on narrow screens: opens and closes the side menu; a tap outside it, Escape or choosing a
  // page closes it again.
  function setMenu(open) {
    document.body.classList.toggle("nav-open", open);
    var btn = document.querySelector(".nav-toggle");
    if (btn) btn.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    if (t.closest(".nav-toggle")) { setMenu(!document.body.classList.contains("nav-open")); return; }
    if (!document.body.classList.contains("nav-open")) return;
    if (t.closest(".sidebar a") || !t.closest(".sidebar")) setMenu(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("nav-open")) setMenu(false);
  });
  window.addEventListener("pageshow", function () { setMenu(false); });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    // <form data-confirm="question">: ask first.
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { e.preventDefault(); return; }
    // <form data-goto="/prefix/" data-goto-field="t">: open prefix + the field's value + "/".
    if (form.dataset && form.dataset.goto) {
      e.preventDefault();
      var field = form.elements[form.dataset.gotoField || "t"];
      window.location.href = form.dataset.goto + encodeURIComponent(field.value) + "/";
    }
  });
  // The import upload form: show the upload progress.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var bar = document.getElementById("upload-progress");
    if (!bar || !evt.target || evt.target.id !== "upload-form") return;
    if (evt.detail.lengthComputable) { bar.style.display = "block"; bar.value = evt.detail.loaded / evt.detail.total * 100; }
  });
})();


(function () {
  // Tables on narrow screens. <table class="card-list"> becomes one card per row under 600 px: each cell gets its
  // column's header as data-label (shown before the value), so templates only mark the table and the cells that
  // lead the card (key, status, deadline). Every table is wrapped in a box that scrolls sideways when it is wider than
  // the screen, with a shadow on the side that has more columns and the hint 左右滑动查看, so the page itself never
  // scrolls sideways.
  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var labels = [];
    if (!row) return labels;
    Array.prototype.forEach.call(row.cells, function (th) {
      var span = th.colSpan || 1;
      for (var i = 0; i < span; i++) labels.push(th.textContent.replace(/\s+/g, " ").trim());
    });
    return labels;
  }
  function labelCells(table) {
    var labels = headers(table);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (td) {
          var span = td.colSpan || 1;
          if (span === 1 && !td.hasAttribute("data-label") && labels[col]) td.setAttribute("data-label", labels[col]);
          col += span;
        });
      });
    });
  }
  function updateCue(wrap) {
    var box = wrap.querySelector(".table-scroll");
    if (!box) return;
    var more = box.scrollWidth - box.clientWidth > 1;
    wrap.classList.toggle("scrollable", more);
    wrap.classList.toggle("more-left", more && box.scrollLeft > 1);
    wrap.classList.toggle("more-right", more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    if (more) box.setAttribute("tabindex", "0"); else box.removeAttribute("tabindex");
  }
  function wrapTable(table) {
    if (table.closest(".table-scroll") || table.closest("[data-no-wrap]")) return;
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "\u2190 左右滑动查看 \u2192";
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("role", "region");
    var caption = table.caption && table.caption.textContent.trim();
    var heading = !caption && table.closest(".panel") && table.closest(".panel").querySelector("h2, h3");
    box.setAttribute("aria-label", (caption || (heading && heading.textContent.trim()) || "表格") + "（可左右滑动）");
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(hint);
    wrap.appendChild(box);
    box.appendChild(table);
    box.addEventListener("scroll", function () { updateCue(wrap); }, { passive: true });
    updateCue(wrap);
  }
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    var tables = Array.prototype.slice.call(root.querySelectorAll("table"));
    if (root.tagName === "TABLE") tables.push(root);
    tables.forEach(function (table) {
      if (table.classList.contains("card-list")) labelCells(table);
      wrapTable(table);
    });
  }
  function refresh() { document.querySelectorAll(".table-wrap").forEach(updateCue); }
  document.addEventListener("DOMContentLoaded", function () { enhance(document.body); });
  document.addEventListener("htmx:load", function (e) { enhance(e.detail && e.detail.elt ? e.detail.elt : e.target); });
  window.addEventListener("resize", refresh);
  window.addEventListener("orientationchange", refresh);
  window.jiaoyunEnhanceTables = enhance;
})();

// ---- maps (facilities: coverage, projects) ----
// <div data-map="option-id" data-geojson="/facilities/map/boundary.json" data-label="…">: the option is built in
// Python (jiaoyun.web.charts.map_option); the county's township outlines come from its own server (no map service
// on the internet) and are registered under option.geo.map. Without outlines the option's "fallback" (the same
// points on longitude/latitude axes) is drawn. A point with a same-site url opens it on a click.
(function () {
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(s) { return String(s === undefined || s === null ? "" : s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function sameSite(url) { return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/"; }
  function draw(el, option, geo) {
    var fallback = option.fallback;
    delete option.fallback;
    var chart = echarts.init(el);
    var withMap = geo && geo.features && geo.features.length;
    if (withMap) {
      echarts.registerMap(option.geo.map, geo);
      option.tooltip.formatter = function (p) {
        var d = p.data || {};
        // names come from the registry: escaped, as the tooltip is HTML
        return (p.seriesName ? esc(p.seriesName) + "<br>" : "") + esc(d.name || p.name) + (d.info ? "<br>" + esc(d.info) : "");
      };
      chart.setOption(option);
    } else if (fallback) {
      chart.setOption(fallback);
    }
    chart.on("click", function (p) { if (p.data && sameSite(p.data.url)) window.location.href = p.data.url; });
    var count = 0;
    (option.series || []).forEach(function (s) { count += (s.data || []).length; });
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", (el.dataset.label || "地图") + "：共" + count + "个点" + (withMap ? "" : "（未导入乡镇边界）"));
    el.dataset.ready = withMap ? "map" : "fallback";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bootMaps(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.booted) return;
      el.dataset.booted = "1";
      var src = document.getElementById(el.dataset.map);
      if (!src) return;
      var option = JSON.parse(src.textContent);
      if (!el.dataset.geojson) { draw(el, option, null); return; }
      fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; })
        .then(function (geo) { draw(el, option, geo); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { bootMaps(document); });
  document.addEventListener("htmx:afterSwap", function (e) { bootMaps(e.target); });
})();

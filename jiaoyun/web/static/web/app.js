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
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.booted = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
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
  // The menu button on narrow screens.
  document.addEventListener("click", function (e) {
    var btn = e.target && e.target.closest && e.target.closest(".nav-toggle");
    if (btn) document.body.classList.toggle("nav-open");
  });
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

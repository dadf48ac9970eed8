// Small helpers shared by pages: ECharts boot from JSON script tags, confirm dialogs.
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

// The 失联失控看板 charts; their data is the page's #chart-data JSON.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function go(url) { if (url) { window.location.href = url; } }
  var trend = echarts.init(document.getElementById("chart-trend"));
  trend.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["失联", "失控"]},
    grid: {left: 40, right: 20, bottom: 60},
    xAxis: {type: "category", data: data.trend.dates, axisLabel: {rotate: 40}},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: "失联", type: "line", data: data.trend.lost},
             {name: "失控", type: "line", data: data.trend.uncontrolled}]
  });
  trend.on("click", function (p) { go((p.seriesName === "失联" ? data.trend.lost_urls : data.trend.uncontrolled_urls)[p.dataIndex]); });
  var branches = echarts.init(document.getElementById("chart-branches"));
  branches.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["失联", "失控"]},
    grid: {left: 160, right: 20}, yAxis: {type: "category", data: data.branches.names, inverse: true},
    xAxis: {type: "value", minInterval: 1},
    series: [{name: "失联", type: "bar", data: data.branches.lost},
             {name: "失控", type: "bar", data: data.branches.uncontrolled}]
  });
  branches.on("click", function (p) { go(data.branches.urls[p.dataIndex]); });
  var el = document.getElementById("chart-reasons");
  if (el) {
    var reasons = echarts.init(el);
    reasons.setOption({tooltip: {trigger: "item"},
      series: [{type: "pie", radius: "65%", data: data.reasons}]});
    reasons.on("click", function (p) { go(p.data.url); });
  }
})();

// 全部出席: mark every member present.
document.getElementById("all-present").addEventListener("click", function () {
  document.querySelectorAll('#attendance-table input[type=radio][value=present]').forEach(function (r) { r.checked = true; });
});

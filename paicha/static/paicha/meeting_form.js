// 全部出席: mark every member present.
document.getElementById("all-present").addEventListener("click", function () {
  document.querySelectorAll('#attendance-table input[type=radio][value=present]').forEach(function (r) { r.checked = true; });
});
// A 失联 member marked present leaves the 失联 list: ask first (the server refuses it unconfirmed).
document.getElementById("meeting-form").addEventListener("submit", function (event) {
  var confirmLost = document.getElementById("confirm-lost");
  if (!confirmLost || confirmLost.type === "checkbox") { return; }
  var names = [];
  document.querySelectorAll('#attendance-table tr[data-mark]').forEach(function (row) {
    var present = row.querySelector('input[type=radio][value=present]');
    if (row.dataset.mark.indexOf("失联") !== -1 && present && present.checked) { names.push(row.dataset.member); }
  });
  if (!names.length) { return; }
  if (window.confirm(names.join("、") + " 目前是失联党员，登记为出席后将不再列入失联名单。确认他们出席了本次组织生活吗？")) {
    confirmLost.value = "1";
  } else {
    event.preventDefault();
  }
});

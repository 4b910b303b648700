// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it):
// [data-print] buttons open the print dialog; [data-autosubmit] fields submit their form.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) { field.form.submit(); }
});

// Open the browser's print dialog once the print view has rendered.
window.addEventListener("load", function () {
  if (!new URLSearchParams(location.search).has("noprint")) { window.print(); }
});

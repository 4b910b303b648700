// Searchable member pickers (core/widgets.py PersonPicker): typing filters by 姓名 or pinyin
// initials; with nothing typed only the branch's own members (and those chosen) show, unless
// the others were asked for.
(function () {
  function setUp(picker) {
    var search = picker.querySelector(".picker-search");
    var more = picker.querySelector(".picker-more");
    var empty = picker.querySelector(".picker-empty");
    var items = picker.querySelectorAll(".picker-item");
    var showAll = false;
    function refresh() {
      var q = search.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var checked = item.querySelector("input").checked;
        var visible = q ? item.dataset.search.indexOf(q) !== -1
                        : (showAll || item.dataset.own === "1" || checked);
        item.hidden = !visible;
        if (visible) { shown += 1; }
      });
      empty.hidden = shown > 0;
    }
    search.addEventListener("input", refresh);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    if (more) {
      more.addEventListener("click", function () { showAll = true; more.hidden = true; refresh(); });
    }
  }
  document.querySelectorAll("[data-person-picker]").forEach(setUp);
})();

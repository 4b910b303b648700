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

// The one date input (core/forms.py DateTextInput): typed freely (2016.09, 2016年9月 …), or
// picked from the browser's calendar with the button beside it, which writes the ISO date.
(function () {
  document.querySelectorAll("input[data-date-input]").forEach(function (input) {
    var calendar = document.createElement("input");
    calendar.type = "date";
    calendar.tabIndex = -1;
    calendar.className = "date-input-calendar";
    calendar.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-input-button";
    button.setAttribute("aria-label", "从日历选择日期");
    button.textContent = "📅";
    var group = document.createElement("div");
    group.className = "input-group input-group-sm date-input-group";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    group.appendChild(button);
    group.appendChild(calendar);
    button.addEventListener("click", function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) { calendar.value = input.value; }
      if (calendar.showPicker) { calendar.showPicker(); } else { calendar.click(); }
    });
    calendar.addEventListener("change", function () {
      if (calendar.value) {
        input.value = calendar.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();

// The organization picker (organizations/picking.py): beside an input[data-org-picker] that
// holds an organization code, a button opens the user's subtree as a tree (children loaded on
// demand) and a search box (名称, 代码 or pinyin initials); choosing one fills in its code.
(function () {
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function setUp(input) {
    var url = input.dataset.orgPicker;
    var group = make("div", "input-group input-group-sm org-picker");
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    var toggle = make("button", "btn btn-outline-secondary org-picker-toggle", "选择");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    group.appendChild(toggle);
    var name = make("div", "form-text org-picker-name", input.dataset.orgName || "");
    group.parentNode.insertBefore(name, group.nextSibling);
    var panel = make("div", "org-picker-panel border rounded bg-white p-2 shadow-sm");
    panel.hidden = true;
    var search = make("input", "form-control form-control-sm mb-1 org-picker-search");
    search.type = "search";
    search.placeholder = "名称、代码或拼音首字母";
    search.setAttribute("aria-label", "搜索党组织");
    var list = make("ul", "list-unstyled mb-0 org-picker-tree");
    panel.appendChild(search);
    panel.appendChild(list);
    name.parentNode.insertBefore(panel, name.nextSibling);

    function fetchJson(query, done) {
      fetch(url + "?" + query, { headers: { Accept: "application/json" },
                                 credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { done(data.results); });
    }

    function choose(org) {
      input.value = org.code;
      name.textContent = org.name;
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function entry(org) {
      var item = make("li", "org-picker-item");
      var expand = make("button", "btn btn-link btn-sm p-0 me-1 org-picker-expand",
                        org.has_children ? "▸" : "");
      expand.type = "button";
      expand.disabled = !org.has_children;
      expand.setAttribute("aria-label", "展开" + org.name);
      var pick = make("button", "btn btn-link btn-sm p-0 text-start org-picker-choice");
      pick.type = "button";
      pick.dataset.code = org.code;
      pick.textContent = org.name + "（" + org.code + "）";
      item.appendChild(expand);
      item.appendChild(pick);
      if (org.trail) { item.appendChild(make("div", "small text-muted ms-3", org.trail)); }
      var children = make("ul", "list-unstyled ms-3 mb-0");
      item.appendChild(children);
      pick.addEventListener("click", function () { choose(org); });
      expand.addEventListener("click", function () {
        if (children.childElementCount) {
          children.hidden = !children.hidden;
        } else {
          fetchJson("parent=" + encodeURIComponent(org.code), function (rows) {
            fill(children, rows);
          });
        }
        expand.textContent = children.hidden ? "▸" : "▾";
      });
      return item;
    }

    function fill(target, rows) {
      target.innerHTML = "";
      rows.forEach(function (org) { target.appendChild(entry(org)); });
      if (!rows.length) { target.appendChild(make("li", "small text-muted", "没有找到党组织")); }
    }

    function showTree() { fetchJson("", function (rows) { fill(list, rows); }); }

    toggle.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden && !list.childElementCount) { showTree(); }
      if (!panel.hidden) { search.focus(); }
    });
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = search.value.trim();
        if (q) { fetchJson("q=" + encodeURIComponent(q), function (rows) { fill(list, rows); }); }
        else { showTree(); }
      }, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  document.querySelectorAll("input[data-org-picker]").forEach(setUp);
})();

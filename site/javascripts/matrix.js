/* The applicability matrix: filter the table by hypervisor, role, product and words.
   Plain JavaScript, no library, no network; does nothing on pages without the matrix. */
(function () {
  "use strict";
  var GROUPS = [
    ["Hypervisor", ["KVM", "Xen", "Containers"]],
    ["Role", ["Host", "Guest"]],
    ["Product", ["SLE 11", "SLE 12"]]
  ];

  function setup() {
    var box = document.getElementById("kb-matrix-filters");
    if (!box || box.getAttribute("data-ready")) return;
    var table = box.parentNode.querySelector("table");
    if (!table) return;
    box.setAttribute("data-ready", "1");
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var selects = {};
    GROUPS.forEach(function (g) {
      var label = document.createElement("label");
      label.className = "kb-filter";
      label.appendChild(document.createTextNode(g[0] + " "));
      var sel = document.createElement("select");
      sel.name = g[0].toLowerCase();
      sel.setAttribute("data-filter", g[0].toLowerCase());
      [["", "any"]].concat(g[1].map(function (v) { return [v, v]; })).forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o[0];
        opt.textContent = o[1];
        sel.appendChild(opt);
      });
      sel.addEventListener("change", apply);
      label.appendChild(sel);
      box.appendChild(label);
      selects[g[0]] = sel;
    });
    var words = document.createElement("input");
    words.type = "search";
    words.placeholder = "words in the title or area";
    words.setAttribute("data-filter", "words");
    words.addEventListener("input", apply);
    box.appendChild(words);
    var count = document.getElementById("kb-matrix-count");

    function apply() {
      var shown = 0;
      var want = words.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (tr) {
        var cells = tr.children, ok = true;
        GROUPS.forEach(function (g) {
          var v = selects[g[0]].value;
          if (!v) return;
          var i = heads.indexOf(v);
          if (i >= 0 && cells[i].textContent.trim() !== "yes") ok = false;
        });
        if (ok && want.length) {
          var text = (cells[0].textContent + " " + cells[1].textContent).toLowerCase();
          ok = want.every(function (w) { return text.indexOf(w) >= 0; });
        }
        tr.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " entries shown";
    }
    apply();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

/* Wide tables on a phone: a table of five or more columns whose first column names its row gets data-kb-reflow and every cell the
   name of its column (data-label), so that below 600 px (kbcheck.css) each row becomes a card: the
   first cell as its heading, the others as "Column: value" that wrap within the screen. Nothing is
   cut off and nothing hides: the same cells, laid out for the width. Plain JavaScript, no network. */
(function () {
  "use strict";
  var NAMED = ["Entry", "ID", "Section", "Area", "Scenario"];
  function reflow() {
    document.querySelectorAll("article table").forEach(function (table) {
      if (table.hasAttribute("data-kb-reflow")) return;
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      // rows that name something (an entry, a recommendation, a section) become cards; a row of
      // marks (an entry's "Where it applies") stays a table
      if (heads.length < 5 || NAMED.indexOf(heads[0]) < 0) return;
      table.setAttribute("data-kb-reflow", "");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (heads[i]) td.setAttribute("data-label", heads[i]);
        });
      });
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(reflow);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reflow);
  } else {
    reflow();
  }
})();

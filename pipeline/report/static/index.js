(function () {
  "use strict";
  // Sort the calls table by any column (click its header again to reverse) and filter its rows by text.
  var table = document.getElementById("calls");
  if (!table) { return; }
  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
  headers.forEach(function (th) {
    var button = th.querySelector("button");
    button.addEventListener("click", function () {
      var col = parseInt(button.getAttribute("data-col"), 10);
      var numeric = button.getAttribute("data-type") === "num";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > col; });
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
        if (numeric) {
          var nx = x === "" ? NaN : parseFloat(x), ny = y === "" ? NaN : parseFloat(y);
          if (isNaN(nx) || isNaN(ny)) { return isNaN(nx) - isNaN(ny); }  // empty values last
          return (nx - ny) * dir;
        }
        return x.localeCompare(y) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    });
  });
  var filter = document.getElementById("filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.toLowerCase();
      Array.prototype.slice.call(body.rows).forEach(function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  }
})();

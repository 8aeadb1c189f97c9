/* The receipt's "Print" button (a static file: the CSP allows no inline script). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el && el.closest && el.closest("[data-print]")) {
      window.print();
    }
  });
})();

/* The public verification page: compare a chosen file's SHA-256 with the signed document's, in the
 * browser (WebCrypto). A static file: the CSP allows no inline script. The file is never uploaded. */
(function () {
  "use strict";
  var input = document.querySelector("[data-verify-file]");
  var expected = document.querySelector("[data-verify-sha256]");
  var output = document.querySelector("[data-verify-result]");
  if (!input || !expected || !output) {
    return;
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    output.textContent = "";
    output.removeAttribute("data-match");
    if (!file) {
      return null;
    }
    if (!window.crypto || !window.crypto.subtle || !file.arrayBuffer) {
      output.textContent = output.getAttribute("data-text-unsupported");
      return null;
    }
    // The promise is returned for the script's test harness; the browser ignores it.
    return file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    }).then(function (digest) {
      var match = hex(digest) === expected.getAttribute("data-verify-sha256");
      output.setAttribute("data-match", match ? "yes" : "no");
      output.textContent = output.getAttribute(match ? "data-text-match" : "data-text-mismatch");
    });
  });
})();

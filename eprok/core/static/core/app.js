/* eprok shell behaviour. Loaded as a static file: the CSP allows no inline script. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // The CSRF cookie is HttpOnly, so the token comes from the page's <meta> tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && event.detail && event.detail.headers) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // A select marked data-autosubmit submits its form on change (the language switcher);
  // the form keeps a visible submit button for keyboard and no-JavaScript users.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (typeof el.form.requestSubmit === "function") {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });

  // Content swapped in by htmx may name the element that should take focus, so keyboard and
  // screen-reader users do not lose their place when the button they pressed disappears.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || !root.querySelector) {
      return;
    }
    var target = root.matches("[data-focus-on-load]") ? root : root.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  });
})();

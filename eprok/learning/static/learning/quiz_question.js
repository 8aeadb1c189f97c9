// The question form: shows only the parts that matter for the chosen kind of question (answer options,
// true or false, accepted answers) and lets the author add more answer-option rows. Without JavaScript
// every part is shown and the server ignores the ones that do not apply.
(function () {
  "use strict";

  var form = document.querySelector("[data-quiz-question-form]");
  if (!form) return;
  var kind = form.querySelector("select[name='kind']");
  var parts = form.querySelectorAll("[data-quiz-kinds]");

  function showParts() {
    if (!kind) return;
    Array.prototype.forEach.call(parts, function (part) {
      var kinds = (part.getAttribute("data-quiz-kinds") || "").split(" ");
      part.hidden = kinds.indexOf(kind.value) === -1;
    });
  }

  var list = form.querySelector("[data-quiz-options]");
  var add = form.querySelector("[data-quiz-add-option]");
  var total = form.querySelector("input[name='option-TOTAL_FORMS']");
  var max = form.querySelector("input[name='option-MAX_NUM_FORMS']");

  function addRow() {
    var rows = list.querySelectorAll("[data-quiz-option]");
    var count = parseInt(total.value, 10);
    if (!rows.length || (max && count >= parseInt(max.value, 10))) return;
    var row = rows[rows.length - 1].cloneNode(true);
    var from = "option-" + (count - 1) + "-";
    var to = "option-" + count + "-";
    Array.prototype.forEach.call(row.querySelectorAll("input, label"), function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.split(from).join(to));
      });
      if (el.tagName === "INPUT") {
        if (el.type === "checkbox") el.checked = false;
        else el.value = "";
      }
    });
    var label = row.querySelector("label.usa-label");
    if (label) label.textContent = label.textContent.replace(/\d+\s*$/, String(count + 1));
    Array.prototype.forEach.call(row.querySelectorAll(".usa-error-message"), function (el) {
      el.parentNode.removeChild(el);
    });
    list.appendChild(row);
    total.value = String(count + 1);
    var input = row.querySelector("input[type='text']");
    if (input) input.focus();
  }

  if (kind) {
    kind.addEventListener("change", showParts);
    showParts();
  }
  if (list && add && total) {
    add.hidden = false;
    add.addEventListener("click", addRow);
  }
})();

// The countdown of a timed quiz attempt. It only shows the time left: the server judges whether answers
// arrived in time. The time left comes from the server (data-seconds-left) rather than the computer's own
// clock, which may be wrong; screen readers hear it at five minutes, one minute and when time is up.
(function () {
  "use strict";

  var clock = document.querySelector("[data-quiz-clock]");
  if (!clock) return;
  var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
  if (isNaN(left)) return;
  var ends = Date.now() + left * 1000;
  var text = clock.querySelector("[data-quiz-clock-text]");
  var value = clock.querySelector("[data-quiz-clock-value]");
  var announce = clock.querySelector("[data-quiz-clock-announce]");
  var announced = {};
  if (text) text.hidden = false;

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function tick() {
    var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(seconds / 60);
    if (value) value.textContent = minutes + ":" + pad(seconds % 60);
    [300, 60].forEach(function (mark) {
      if (seconds <= mark && seconds > 0 && !announced[mark] && announce) {
        announced[mark] = true;
        announce.textContent = value ? value.textContent : "";
      }
    });
    if (seconds === 0) {
      clock.classList.remove("usa-alert--info");
      clock.classList.add("usa-alert--warning");
      if (announce && !announced[0]) {
        announced[0] = true;
        announce.textContent = clock.getAttribute("data-label-over") || "";
      }
      if (text) text.textContent = clock.getAttribute("data-label-over") || "";
      return;
    }
    window.setTimeout(tick, 1000);
  }

  tick();
})();

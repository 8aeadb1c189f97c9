// The duty console: a sound and a visual alert whenever a report that was not on the board before waits for
// acknowledgement, and the count in the tab's title. The board itself is refreshed by htmx (every second;
// 204 while nothing changed). Browsers allow sound only after the user has interacted with the page, so the
// alert sound is switched on with a button (remembered on this computer).
(function () {
  "use strict";

  var KEY = "eprok.special.console.sound";
  var button = document.getElementById("eprok-console-sound");
  var announcement = document.getElementById("console-announcement");
  var audio = null;
  var baseTitle = document.title.replace(/^\(\d+\) /, "");

  function soundOn() {
    try {
      return window.localStorage.getItem(KEY) === "on";
    } catch (e) {
      return false;
    }
  }

  function showButton() {
    if (!button) return;
    var on = soundOn();
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
  }

  function beep() {
    if (!soundOn()) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach(function (start) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.frequency.value = 880;
        gain.gain.setValueAtTime(0.2, audio.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + 0.3);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(audio.currentTime + start);
        oscillator.stop(audio.currentTime + start + 0.3);
      });
    } catch (e) {
      /* no sound on this browser: the visual alert remains */
    }
  }

  // The numbers of the reports waiting on the board.
  function waiting(board) {
    var numbers = {};
    if (!board) return numbers;
    board.querySelectorAll(".eprok-console-row[data-number]").forEach(function (row) {
      numbers[row.getAttribute("data-number")] = true;
    });
    return numbers;
  }

  var seen = waiting(document.getElementById("console-board"));

  function update() {
    var board = document.getElementById("console-board");
    if (!board) return;
    var now = waiting(board);
    var count = Object.keys(now).length;
    var fresh = Object.keys(now).some(function (number) {
      return !seen[number];
    });
    document.title = count ? "(" + count + ") " + baseTitle : baseTitle;
    if (fresh) {
      beep();
      board.classList.add("eprok-console-board--new");
      var text = board.querySelector("[data-announcement]");
      if (announcement && text) announcement.textContent = text.textContent;
    }
    seen = now;
  }

  if (button) {
    button.addEventListener("click", function () {
      try {
        window.localStorage.setItem(KEY, soundOn() ? "off" : "on");
      } catch (e) {
        /* storage refused: nothing to remember */
      }
      showButton();
      if (soundOn()) beep();
    });
    showButton();
  }

  document.body.addEventListener("htmx:afterSettle", update);
  update();
})();

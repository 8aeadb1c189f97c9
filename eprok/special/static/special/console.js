// The duty console: a sound and a visual alert when more reports wait for acknowledgement than before.
// The board itself is refreshed by htmx (every second; 204 while nothing changed). Browsers allow sound only
// after the user has interacted with the page, so the alert sound is switched on with a button (remembered).
(function () {
  "use strict";

  var KEY = "eprok.special.console.sound";
  var button = document.getElementById("eprok-console-sound");
  var audio = null;
  var baseTitle = document.title;

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

  function waiting(board) {
    return board ? parseInt(board.getAttribute("data-unacknowledged") || "0", 10) : 0;
  }

  var last = waiting(document.getElementById("console-board"));

  function update(board) {
    var count = waiting(board);
    document.title = count ? "(" + count + ") " + baseTitle : baseTitle;
    if (count > last) {
      beep();
      board.classList.add("eprok-console-board--new");
    }
    last = count;
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

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var board = document.getElementById("console-board");
    if (board && (event.target === board || event.target.id === "console-board")) update(board);
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById("console-board");
    if (board) update(board);
  });
  update(document.getElementById("console-board") || document.body);
})();

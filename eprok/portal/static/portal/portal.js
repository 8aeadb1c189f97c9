/* The public portal's behaviour. A static file: the CSP allows no inline script.
 *
 * Proof-of-work: a form marked data-pow carries a signed challenge. This script finds a counter
 * such that SHA-256(challenge + counter) starts with the required number of zero bits, puts it in
 * the form and lets the form be sent. It starts as soon as the page opens, so the work is usually
 * done before the visitor has finished typing. WebCrypto does the hashing where the browser offers
 * it (secure pages); elsewhere a small SHA-256 written out below does the same work.
 *
 * No third-party service is involved, and nothing about the visitor is collected.
 */
(function () {
  "use strict";

  // --- SHA-256 for browsers without WebCrypto (FIPS 180-4) ------------------------------------
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256(bytes) {
    var length = bytes.length;
    var blocks = ((length + 9 + 63) >> 6) << 6;
    var data = new Uint8Array(blocks);
    data.set(bytes);
    data[length] = 0x80;
    var bitLength = length * 8;
    // Messages here are short: the high 32 bits of the length are zero.
    data[blocks - 4] = (bitLength >>> 24) & 0xff;
    data[blocks - 3] = (bitLength >>> 16) & 0xff;
    data[blocks - 2] = (bitLength >>> 8) & 0xff;
    data[blocks - 1] = bitLength & 0xff;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var offset = 0; offset < blocks; offset += 64) {
      for (var i = 0; i < 16; i++) {
        var j = offset + i * 4;
        w[i] = ((data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3]) | 0;
      }
      for (i = 16; i < 64; i++) {
        var x = w[i - 15], y = w[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    var out = new Uint8Array(32);
    for (i = 0; i < 8; i++) {
      out[i * 4] = (h[i] >>> 24) & 0xff;
      out[i * 4 + 1] = (h[i] >>> 16) & 0xff;
      out[i * 4 + 2] = (h[i] >>> 8) & 0xff;
      out[i * 4 + 3] = h[i] & 0xff;
    }
    return out;
  }

  function utf8(text) {
    if (typeof TextEncoder !== "undefined") {
      return new TextEncoder().encode(text);
    }
    var binary = unescape(encodeURIComponent(text));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      var byte = bytes[i];
      if (byte === 0) {
        bits += 8;
        continue;
      }
      while ((byte & 0x80) === 0) {
        bits += 1;
        byte <<= 1;
      }
      break;
    }
    return bits;
  }

  var subtle = window.crypto && window.crypto.subtle && window.isSecureContext ? window.crypto.subtle : null;
  var BATCH = 256;

  // Resolves with the first counter (as text) whose hash has `bits` leading zero bits.
  function solve(token, bits) {
    return new Promise(function (resolve, reject) {
      var base = 0;
      function viaWebCrypto() {
        var jobs = [];
        for (var i = 0; i < BATCH; i++) {
          jobs.push(subtle.digest("SHA-256", utf8(token + (base + i))));
        }
        Promise.all(jobs).then(function (digests) {
          for (var n = 0; n < digests.length; n++) {
            if (leadingZeroBits(new Uint8Array(digests[n])) >= bits) {
              resolve(String(base + n));
              return;
            }
          }
          base += BATCH;
          viaWebCrypto();
        }, function () {
          subtle = null;
          viaFallback();
        });
      }
      function viaFallback() {
        try {
          for (var i = 0; i < BATCH * 8; i++) {
            if (leadingZeroBits(sha256(utf8(token + base))) >= bits) {
              resolve(String(base));
              return;
            }
            base += 1;
          }
        } catch (error) {
          reject(error);
          return;
        }
        // Yield to the page between slices, so typing stays smooth.
        window.setTimeout(viaFallback, 0);
      }
      if (subtle) {
        viaWebCrypto();
      } else {
        viaFallback();
      }
    });
  }

  function say(form, key) {
    var status = form.querySelector("[data-pow-status]");
    var text = status && status.getAttribute("data-" + key);
    if (status && text) {
      status.textContent = text;
    }
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = busy;
      buttons[i].setAttribute("aria-disabled", busy ? "true" : "false");
    }
  }

  function protect(form) {
    var token = form.querySelector("input[name=pow_challenge]");
    var counter = form.querySelector("input[name=pow_counter]");
    var bits = parseInt(form.getAttribute("data-pow-bits") || "0", 10);
    if (!token || !counter) {
      return;
    }
    var state = { solved: false, wantsSubmit: false, submitted: false };
    var send = function () {
      state.submitted = true;
      setBusy(form, true);
      say(form, "sending");
      form.submit();
    };
    var notice = form.querySelector("[data-pow-nojs]");
    if (notice) {
      notice.hidden = true;
    }
    say(form, "working");
    solve(token.value, bits).then(function (found) {
      counter.value = found;
      state.solved = true;
      say(form, "ready");
      if (state.wantsSubmit) {
        send();
      }
    }, function () {
      say(form, "failed");
    });
    form.addEventListener("submit", function (event) {
      if (state.submitted) {
        // A second click while the first send is under way: one submission only.
        event.preventDefault();
        return;
      }
      if (!state.solved) {
        event.preventDefault();
        if (typeof form.reportValidity === "function" && !form.noValidate && !form.reportValidity()) {
          return;
        }
        state.wantsSubmit = true;
        setBusy(form, true);
        say(form, "waiting");
        return;
      }
      state.submitted = true;
      // Disabled after this event, so the browser still sends the form.
      window.setTimeout(function () {
        setBusy(form, true);
      }, 0);
      say(form, "sending");
    });
  }

  // After a refused form, the error summary takes focus, so screen-reader and keyboard users hear
  // what is wrong first; a receipt page focuses its heading.
  function focusOnLoad() {
    var target = document.querySelector("[data-error-summary]") || document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  }

  // "Print or save this receipt": shown only where it can work.
  function printButtons() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        window.print();
      });
    }
  }

  function init() {
    var forms = document.querySelectorAll("form[data-pow]");
    for (var i = 0; i < forms.length; i++) {
      protect(forms[i]);
    }
    focusOnLoad();
    printButtons();
  }

  // Exposed for the portal's tests of the fallback hash (node); not used by the pages.
  window.eprokPortal = { sha256: sha256, leadingZeroBits: leadingZeroBits, solve: solve };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

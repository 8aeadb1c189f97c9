"""The page's proof-of-work script, run under Node: its own SHA-256 (used where WebCrypto is missing)
agrees with Python's, and what it solves the server accepts. The browser journeys cover WebCrypto."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eprok.portal import abuse

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "portal" / "portal.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

# A page without WebCrypto (not a secure context): the script must fall back to its own SHA-256.
HARNESS = """
const vm = require("vm");
const fs = require("fs");
const sandbox = {
  window: { isSecureContext: false, crypto: undefined, setTimeout: setTimeout },
  document: { readyState: "complete", querySelectorAll: () => [], querySelector: () => null },
  TextEncoder: TextEncoder, Uint8Array: Uint8Array, Promise: Promise, unescape: unescape,
  encodeURIComponent: encodeURIComponent, setTimeout: setTimeout,
};
sandbox.window.window = sandbox.window;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
const api = sandbox.window.eprokPortal;
const input = JSON.parse(process.argv[2]);
const hex = (bytes) => Array.from(bytes).map((b) => b.toString(16).padStart(2, "0")).join("");
const hashes = input.texts.map((text) => hex(api.sha256(new TextEncoder().encode(text))));
api.solve(input.token, input.bits).then((counter) => {
  process.stdout.write(JSON.stringify({ hashes: hashes, counter: counter }));
});
"""


def _run(texts: list[str], token: str, bits: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - node on our own static file
        [str(NODE), "-e", HARNESS, str(SCRIPT), json.dumps({"texts": texts, "token": token, "bits": bits})],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_the_scripts_own_sha256_matches_pythons() -> None:
    texts = ["", "abc", "a" * 55, "b" * 56, "c" * 64, "d" * 119, "Əliyeva Nərmin — şikayət", "x" * 1000]
    challenge = abuse.issue_challenge(form="appeal")
    output = _run(texts, challenge.token, 0)
    assert output["hashes"] == [hashlib.sha256(text.encode()).hexdigest() for text in texts]


def test_what_the_script_solves_the_server_accepts(settings: Any) -> None:
    settings.EPROK_PORTAL_POW_DIFFICULTY = 10
    challenge = abuse.issue_challenge(form="report")
    output = _run([], challenge.token, challenge.difficulty)
    assert abuse.verify_pow(token=challenge.token, counter=output["counter"], form="report").ok

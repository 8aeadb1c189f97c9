"""The portal's file-comparison script (portal/static/portal/verify.js), run under Node with its
WebCrypto: it says "matches" for the signed file's bytes and "does not match" for any other."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "portal" / "static" / "portal" / "verify.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

HARNESS = """
const vm = require("vm");
const fs = require("fs");
const input = JSON.parse(process.argv[2]);
function element(attrs) {
  const el = { attrs: Object.assign({}, attrs), listeners: {}, textContent: "" };
  el.getAttribute = (name) => (name in el.attrs ? el.attrs[name] : null);
  el.setAttribute = (name, value) => { el.attrs[name] = String(value); };
  el.removeAttribute = (name) => { delete el.attrs[name]; };
  el.addEventListener = (type, fn) => { el.listeners[type] = fn; };
  return el;
}
const bytes = Buffer.from(input.file, "base64");
const fileInput = element({});
const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
fileInput.files = [{ arrayBuffer: () => Promise.resolve(data) }];
const expected = element({ "data-verify-sha256": input.expected });
const output = element({
  "data-text-match": "MATCH", "data-text-mismatch": "MISMATCH", "data-text-unsupported": "UNSUPPORTED",
});
const nodes = {
  "[data-verify-file]": fileInput, "[data-verify-sha256]": expected, "[data-verify-result]": output,
};
const sandbox = {
  window: { crypto: require("crypto").webcrypto },
  document: { querySelector: (selector) => nodes[selector] || null },
  Array: Array, Uint8Array: Uint8Array, Promise: Promise,
};
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
Promise.resolve(fileInput.listeners.change()).then(() => {
  const result = { text: output.textContent, match: output.getAttribute("data-match") };
  process.stdout.write(JSON.stringify(result));
});
"""


def _compare(content: bytes, expected: str) -> dict[str, str]:
    import base64

    result = subprocess.run(  # noqa: S603 - node on our own static file
        [
            str(NODE),
            "-e",
            HARNESS,
            str(SCRIPT),
            json.dumps({"file": base64.b64encode(content).decode(), "expected": expected}),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_the_same_file_matches_and_another_does_not():
    content = b"%PDF-1.7 signed document \xc9\x99"
    digest = hashlib.sha256(content).hexdigest()
    assert _compare(content, digest) == {"text": "MATCH", "match": "yes"}
    assert _compare(content + b" ", digest) == {"text": "MISMATCH", "match": "no"}

"""A PBX simulator: sends signed telephony events to a running eprok over real HTTP.

    python -m simulators.pbx --url http://127.0.0.1:8000 --pbx 961-main --secret ... --calls 5

Each simulated call is the sequence a telephone exchange reports: call.offered (the caller's number,
the line's number), call.answered (the operator's extension or login), call.ended (with the recording's
URL and whether the recorded announcement was played); some calls ring out unanswered (offered, ended).
Events are signed as eprok expects (eprok/contact/pbx.py, docs/api.md): X-PBX-Timestamp and
X-PBX-Signature = "sha256=" + HMAC-SHA256(secret, "<timestamp>.<body>").

Only the standard library, so the simulator runs anywhere eprok's API is reachable. Tests import
`PbxSimulator` and give it a transport of their own (the Django test client) or run it against a live
server. The secret comes from --secret or the environment (EPROK_PBX_SECRET), never from the code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

SIGNATURE_HEADER = "X-PBX-Signature"
TIMESTAMP_HEADER = "X-PBX-Timestamp"
MOBILE_CODES = ("50", "51", "55", "70", "77", "99", "10")
LINE_NUMBERS = {"961": "+994129610000", "161": "+994121610000"}


@dataclass(frozen=True)
class Response:
    status: int
    body: dict[str, Any]


# A transport posts (path, body, headers) and returns the response; the default one uses urllib.
Transport = Callable[[str, bytes, dict[str, str]], Response]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def http_transport(base_url: str, *, timeout: float = 10.0) -> Transport:
    """POST over HTTP to `base_url` (e.g. http://127.0.0.1:8000)."""

    def post(path: str, body: bytes, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own eprok
            base_url.rstrip("/") + path,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                return Response(answer.status, _json(answer.read()))
        except urllib.error.HTTPError as error:
            return Response(error.code, _json(error.read()))

    return post


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"raw": raw[:200].decode(errors="replace")}
    return value if isinstance(value, dict) else {"value": value}


@dataclass
class PbxSimulator:
    """One telephone exchange of a centre, reporting calls to eprok."""

    pbx_code: str
    secret: str
    transport: Transport
    centre: str = "961"
    recordings_url: str = "https://pbx.example.az/recordings"
    clock: Callable[[], float] = time.time
    sent: list[tuple[dict[str, Any], Response]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/api/v1/contact/pbx/{self.pbx_code}/events"

    def send(
        self, event: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> Response:
        """Post one event, signed (with another secret or timestamp to test refusals)."""
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = int(self.clock()) if timestamp is None else timestamp
        headers = {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(secret or self.secret, stamp, body)}
        response = self.transport(self.path, body, headers)
        self.sent.append((event, response))
        return response

    def _moment(self, seconds_ago: float = 0.0) -> str:
        return dt.datetime.fromtimestamp(self.clock() - seconds_ago, tz=dt.UTC).isoformat(timespec="seconds")

    def offer(self, call_id: str, *, caller_number: str, seconds_ago: float = 0.0) -> Response:
        return self.send(
            {
                "type": "call.offered",
                "call_id": call_id,
                "time": self._moment(seconds_ago),
                "caller_number": caller_number,
                "called_number": LINE_NUMBERS.get(self.centre, ""),
            }
        )

    def answer(self, call_id: str, *, operator: str, seconds_ago: float = 0.0) -> Response:
        return self.send(
            {
                "type": "call.answered",
                "call_id": call_id,
                "time": self._moment(seconds_ago),
                "operator": operator,
            }
        )

    def end(self, call_id: str, *, recorded: bool = True, seconds_ago: float = 0.0) -> Response:
        event: dict[str, Any] = {"type": "call.ended", "call_id": call_id, "time": self._moment(seconds_ago)}
        if recorded:
            event["recording_url"] = f"{self.recordings_url}/{call_id}.wav"
            event["caller_notified"] = True
        return self.send(event)

    def call(
        self,
        *,
        caller_number: str,
        operator: str | None,
        ring_seconds: int = 12,
        talk_seconds: int = 180,
        call_id: str | None = None,
        hang_up: bool = True,
    ) -> list[Response]:
        """A whole call, its events dated in the recent past (no waiting): offered, answered, ended.

        Without an operator the call rings out (offered, then ended unanswered); with hang_up=False it
        stays in conversation (offered, answered), as a call an operator is taking right now.
        """
        call_id = call_id or uuid.uuid4().hex
        total = ring_seconds + (talk_seconds if operator else 0)
        responses = [
            self.offer(call_id, caller_number=caller_number, seconds_ago=total if hang_up else ring_seconds)
        ]
        if operator:
            responses.append(
                self.answer(call_id, operator=operator, seconds_ago=talk_seconds if hang_up else 0)
            )
        if hang_up:
            responses.append(self.end(call_id, recorded=operator is not None))
        return responses


def random_number(rng: random.Random) -> str:
    return f"+994{rng.choice(MOBILE_CODES)}{rng.randrange(10**6, 10**7):07d}"


@dataclass(frozen=True)
class Script:
    caller_number: str
    operator: str | None
    ring_seconds: int
    talk_seconds: int


def scripts(
    count: int, *, operators: Sequence[str], seed: int = 961, missed_share: float = 0.15, centre: str = "961"
) -> Iterator[Script]:
    """`count` realistic calls: mostly mobile numbers (some repeat callers), a share unanswered."""
    rng = random.Random(seed)
    regulars = [random_number(rng) for _ in range(max(1, count // 4))]
    for _ in range(count):
        number = rng.choice(regulars) if rng.random() < 0.3 else random_number(rng)
        answered = bool(operators) and rng.random() >= missed_share
        yield Script(
            caller_number="" if centre == "161" else number,
            operator=rng.choice(list(operators)) if answered else None,
            ring_seconds=rng.randint(3, 40),
            talk_seconds=rng.randint(40, 600),
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.pbx", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="eprok's address")
    parser.add_argument("--pbx", default="961-main", help="the PBX's code in eprok")
    parser.add_argument("--centre", default="", help="961 or 161 (default: from the PBX code)")
    parser.add_argument(
        "--secret", default=os.environ.get("EPROK_PBX_SECRET", ""), help="or EPROK_PBX_SECRET"
    )
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--operator", action="append", default=[], help="an extension or login; repeatable")
    parser.add_argument("--seed", type=int, default=961)
    parser.add_argument("--missed-share", type=float, default=0.15)
    parser.add_argument(
        "--ring", action="store_true", help="only ring: leave the calls for operators to answer"
    )
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait between calls")
    parser.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for eprok's /healthz before the first call"
    )
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give the PBX's secret with --secret or EPROK_PBX_SECRET")
    centre = args.centre or ("161" if args.pbx.startswith("161") else "961")
    simulator = PbxSimulator(
        pbx_code=args.pbx, secret=args.secret, transport=http_transport(args.url), centre=centre
    )
    if args.wait and not _wait_for(args.url, args.wait):
        print(f"eprok did not answer at {args.url} within {args.wait:.0f} s", file=sys.stderr)
        return 2
    try:
        failures = _run(simulator, args, centre)
    except urllib.error.URLError as error:
        print(f"cannot reach eprok at {args.url}: {error.reason}", file=sys.stderr)
        return 2
    return 1 if failures else 0


def _wait_for(url: str, seconds: float) -> bool:
    """Poll eprok's /healthz until it answers 200 or `seconds` pass (the demo starts us beside it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    return False


def _run(simulator: PbxSimulator, args: argparse.Namespace, centre: str) -> int:
    failures = 0
    for index, script in enumerate(
        scripts(
            args.calls, operators=args.operator, seed=args.seed, missed_share=args.missed_share, centre=centre
        )
    ):
        if args.ring:
            responses = [simulator.offer(uuid.uuid4().hex, caller_number=script.caller_number)]
        else:
            responses = simulator.call(
                caller_number=script.caller_number,
                operator=script.operator,
                ring_seconds=script.ring_seconds,
                talk_seconds=script.talk_seconds,
            )
        statuses = " ".join(str(r.status) for r in responses)
        final = responses[-1].body.get("status") or responses[-1].body.get("code", "")
        print(f"call {index + 1}: {script.caller_number or 'anonymous'} -> {statuses} {final}")
        failures += sum(1 for r in responses if r.status >= 400)
        if args.pause and index + 1 < args.calls:
            time.sleep(args.pause)
    return failures


if __name__ == "__main__":
    sys.exit(main())

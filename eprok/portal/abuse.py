"""Abuse protection of the public portal: rate limits, proof-of-work, and code-guessing lockout.

Nothing here touches the database. Counters live in Django's cache (the alias in
`EPROK_PORTAL_CACHE`), keyed by an HMAC of the client's address with the project's secret key, so
neither the cache, the database nor the logs ever hold a visitor's IP address. Every entry expires.

Proof-of-work (docs/decisions/0011-public-portal-abuse-protection.md): the server signs a challenge
(form, difficulty, random nonce, time of issue); the page's script finds a counter such that
sha256(challenge + counter) starts with `difficulty` zero bits; the server checks the signature,
the form, the age, the difficulty and the work, and spends the nonce (single use) before any write.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import secrets
import time
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core import signing
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from eprok.core.middleware import client_ip

_POW_SALT = "eprok.portal.pow"
_CLIENT_SALT = "eprok.portal.client"
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Counters are plain decimal strings; anything longer is not a counter a browser would send.
_COUNTER_RE = re.compile(r"^\d{1,16}$")
MAX_DIFFICULTY = 32


def _cache() -> BaseCache:
    return caches[getattr(settings, "EPROK_PORTAL_CACHE", "default")]


def _now(now: float | None) -> float:
    return time.time() if now is None else now


# --- the client key ------------------------------------------------------------------------------


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: the same visitor gets the same key, nobody gets the address.

    IPv6 clients are grouped by their /64 network, since one subscriber usually holds a whole /64
    and could otherwise step past every limit by changing the last bits.
    """
    ip = client_ip(request) or "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        network = ip
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            network = str(address.ipv4_mapped)
        elif isinstance(address, ipaddress.IPv6Address):
            network = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
        else:
            network = str(address)
    return salted_hmac(_CLIENT_SALT, network, algorithm="sha256").hexdigest()[:32]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


# --- rate limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    count: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "10/h", "5/10m", "100/d": at most `count` requests per period (fixed windows)."""
        match = _RATE_RE.match(text or "")
        if not match:
            raise ValueError(f"not a rate: {text!r} (expected e.g. '10/h' or '5/15m')")
        count, multiple, unit = match.groups()
        return cls(count=int(count), period=int(multiple or 1) * _UNITS[unit.lower()])


# The forms that are rate limited, and the setting that holds each one's rate.
RATE_SETTINGS = {
    "appeal": "EPROK_PORTAL_RATE_APPEAL",
    "report": "EPROK_PORTAL_RATE_REPORT",
    "lookup": "EPROK_PORTAL_RATE_LOOKUP",
    "message": "EPROK_PORTAL_RATE_MESSAGE",
    "verify": "EPROK_PORTAL_RATE_VERIFY",
}


def rate_for(form: str) -> Rate:
    return Rate.parse(getattr(settings, RATE_SETTINGS[form]))


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)
    first_refusal: bool  # the request that went over the limit (the one worth auditing)


def rate_limit_hit(*, form: str, client: str, now: float | None = None) -> RateDecision:
    """Count one request of `client` to `form`; refuse it once the window's count is over the limit."""
    rate = rate_for(form)
    moment = _now(now)
    window = int(moment // rate.period)
    key = f"portal:rate:{form}:{client}:{window}"
    cache = _cache()
    # add + incr: atomic on the cache backends that matter (locmem, Redis, Memcached).
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    if count <= rate.count:
        return RateDecision(allowed=True, retry_after=0, first_refusal=False)
    retry_after = max(1, math.ceil((window + 1) * rate.period - moment))
    return RateDecision(allowed=False, retry_after=retry_after, first_refusal=count == rate.count + 1)


# --- proof of work -------------------------------------------------------------------------------


class PowRefusal(Enum):
    MISSING = "missing"
    BAD_SIGNATURE = "bad_signature"
    WRONG_FORM = "wrong_form"
    EXPIRED = "expired"
    TOO_EASY = "too_easy"
    WRONG_WORK = "wrong_work"
    REUSED = "reused"


@dataclass(frozen=True)
class Challenge:
    token: str  # what the page hashes with the counter, and posts back
    nonce: str
    difficulty: int
    form: str


@dataclass(frozen=True)
class PowResult:
    ok: bool
    nonce: str = ""
    refusal: PowRefusal | None = None


def difficulty() -> int:
    value = int(settings.EPROK_PORTAL_POW_DIFFICULTY)
    return max(0, min(value, MAX_DIFFICULTY))


def issue_challenge(*, form: str, now: float | None = None) -> Challenge:
    """A signed challenge for one form, to be solved by the page and spent once."""
    nonce = secrets.token_hex(12)
    bits = difficulty()
    payload = {"f": form, "n": nonce, "d": bits, "t": int(_now(now))}
    token = signing.Signer(salt=_POW_SALT).sign_object(payload, compress=False)
    return Challenge(token=token, nonce=nonce, difficulty=bits, form=form)


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def work_digest(token: str, counter: str) -> bytes:
    return hashlib.sha256(f"{token}{counter}".encode()).digest()


def solve(token: str, bits: int) -> str:
    """The first counter that solves a challenge (what the page's script does; used by tests and tools)."""
    counter = 0
    while leading_zero_bits(work_digest(token, str(counter))) < bits:
        counter += 1
    return str(counter)


def verify_pow(
    *, token: str, counter: str, form: str, now: float | None = None, spend: bool = True
) -> PowResult:
    """Check a posted solution; with `spend`, the nonce is used up, so the same solution works once."""
    if not token or not counter or not _COUNTER_RE.match(counter):
        return PowResult(ok=False, refusal=PowRefusal.MISSING)
    try:
        payload = signing.Signer(salt=_POW_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return PowResult(ok=False, refusal=PowRefusal.BAD_SIGNATURE)
    if not isinstance(payload, dict) or not {"f", "n", "d", "t"} <= set(payload):
        return PowResult(ok=False, refusal=PowRefusal.BAD_SIGNATURE)
    nonce = str(payload["n"])
    if payload["f"] != form:
        return PowResult(ok=False, nonce=nonce, refusal=PowRefusal.WRONG_FORM)
    age = _now(now) - float(payload["t"])
    if age < -60 or age > int(settings.EPROK_PORTAL_POW_MAX_AGE):
        return PowResult(ok=False, nonce=nonce, refusal=PowRefusal.EXPIRED)
    bits = int(payload["d"])
    if bits < difficulty():
        # Issued under a lower difficulty than the one now required: solve a fresh one.
        return PowResult(ok=False, nonce=nonce, refusal=PowRefusal.TOO_EASY)
    if leading_zero_bits(work_digest(token, counter)) < bits:
        return PowResult(ok=False, nonce=nonce, refusal=PowRefusal.WRONG_WORK)
    if spend and not spend_nonce(nonce):
        return PowResult(ok=False, nonce=nonce, refusal=PowRefusal.REUSED)
    return PowResult(ok=True, nonce=nonce)


def _spent_key(nonce: str) -> str:
    return f"portal:pow:{nonce}"


def spend_nonce(nonce: str) -> bool:
    """Mark a challenge used; False if it already was (kept a little longer than a challenge lives)."""
    return bool(_cache().add(_spent_key(nonce), 1, timeout=int(settings.EPROK_PORTAL_POW_MAX_AGE) + 120))


def release_nonce(nonce: str) -> None:
    """Give a challenge back when the write it was spent on was refused, so nothing was written."""
    _cache().delete(_spent_key(nonce))


# --- failed look-ups (receipt codes) -------------------------------------------------------------

# Many people share one address (mobile carriers' NAT, offices), so an address may fail more often
# than one register number before it is locked.
CLIENT_FAILURE_FACTOR = 3


@dataclass(frozen=True)
class LookupState:
    locked: bool
    retry_after: int = 0


def _lookup_keys(scope: str, client: str, subject: str) -> list[tuple[str, int]]:
    """(cache key, failure limit) for the client and, when there is one, the subject looked up."""
    limit = int(settings.EPROK_PORTAL_LOOKUP_MAX_FAILURES)
    keys = [(f"portal:fail:{scope}:client:{client}", limit * CLIENT_FAILURE_FACTOR)]
    if subject:
        keys.append((f"portal:fail:{scope}:subject:{_digest(subject.strip().upper())}", limit))
    return keys


def _window() -> int:
    return int(settings.EPROK_PORTAL_LOOKUP_LOCKOUT_MINUTES) * 60


def lookup_state(*, scope: str, client: str, subject: str = "", now: float | None = None) -> LookupState:
    """Whether look-ups of this kind are locked for this client or for this subject (a register number)."""
    moment = _now(now)
    cache = _cache()
    until = max(float(cache.get(f"{key}:lock") or 0) for key, _limit in _lookup_keys(scope, client, subject))
    if until > moment:
        return LookupState(locked=True, retry_after=max(1, math.ceil(until - moment)))
    return LookupState(locked=False)


def lookup_failed(*, scope: str, client: str, subject: str = "", now: float | None = None) -> LookupState:
    """Count a wrong code for this client and this subject; a count that reaches its limit locks its key."""
    moment = _now(now)
    cache = _cache()
    window = _window()
    locked = False
    for key, limit in _lookup_keys(scope, client, subject):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count >= limit:
            cache.set(f"{key}:lock", moment + window, timeout=window)
            cache.delete(key)
            locked = True
    return LookupState(locked=True, retry_after=window) if locked else LookupState(locked=False)


def lookup_succeeded(*, scope: str, subject: str) -> None:
    """The right code for a subject clears its count (a client's count stays until it expires)."""
    if subject:
        _cache().delete(f"portal:fail:{scope}:subject:{_digest(subject.strip().upper())}")

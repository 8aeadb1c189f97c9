"""Proof-of-work, rate limits and the code-guessing lockout, on their own (no HTTP)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core import signing
from django.test import RequestFactory

from eprok.portal import abuse
from eprok.portal.tests.conftest import CLIENT_IP, TEST_DIFFICULTY

NOW = 1_800_000_000.0


def _issued(form: str = "appeal", now: float = NOW) -> tuple[abuse.Challenge, str]:
    challenge = abuse.issue_challenge(form=form, now=now)
    return challenge, abuse.solve(challenge.token, challenge.difficulty)


# --- proof of work -------------------------------------------------------------------------------


def test_a_solved_challenge_is_accepted_once() -> None:
    challenge, counter = _issued()
    first = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW + 30)
    assert first.ok and first.nonce == challenge.nonce
    again = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW + 31)
    assert again.refusal is abuse.PowRefusal.REUSED


def test_the_solution_really_has_the_leading_zero_bits() -> None:
    challenge, counter = _issued()
    digest = hashlib.sha256(f"{challenge.token}{counter}".encode()).digest()
    assert challenge.difficulty == TEST_DIFFICULTY
    assert int.from_bytes(digest, "big") >> (256 - TEST_DIFFICULTY) == 0


def test_a_wrong_counter_is_refused() -> None:
    challenge, counter = _issued()
    wrong = next(
        str(n)
        for n in range(10_000)
        if abuse.leading_zero_bits(abuse.work_digest(challenge.token, str(n))) < challenge.difficulty
    )
    result = abuse.verify_pow(token=challenge.token, counter=wrong, form="appeal", now=NOW)
    assert result.refusal is abuse.PowRefusal.WRONG_WORK
    # A refused attempt does not spend the challenge: the right answer still works.
    assert abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW).ok


@pytest.mark.parametrize("counter", ["", "abc", "-1", "1" * 17, "1 2"])
def test_a_counter_that_is_not_a_short_number_is_refused(counter: str) -> None:
    challenge, _counter = _issued()
    result = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW)
    assert result.refusal is abuse.PowRefusal.MISSING


def test_an_expired_challenge_is_refused(settings: Any) -> None:
    challenge, counter = _issued()
    later = NOW + settings.EPROK_PORTAL_POW_MAX_AGE + 1
    result = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=later)
    assert result.refusal is abuse.PowRefusal.EXPIRED


def test_a_challenge_from_the_future_is_refused() -> None:
    challenge, counter = _issued(now=NOW + 3600)
    assert abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW).refusal is (
        abuse.PowRefusal.EXPIRED
    )


def test_a_challenge_issued_at_a_lower_difficulty_than_now_required_is_refused(settings: Any) -> None:
    settings.EPROK_PORTAL_POW_DIFFICULTY = 2
    challenge, counter = _issued()
    settings.EPROK_PORTAL_POW_DIFFICULTY = 8
    result = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW)
    assert result.refusal is abuse.PowRefusal.TOO_EASY


def test_a_challenge_with_a_lowered_difficulty_is_a_forgery() -> None:
    challenge, _counter = _issued()
    payload = signing.Signer(salt="eprok.portal.pow").unsign_object(challenge.token)
    forged_payload = {**payload, "d": 0}
    # Re-signed with another key: the signature no longer matches.
    forged = signing.Signer(key="not-the-secret-key", salt="eprok.portal.pow").sign_object(forged_payload)
    result = abuse.verify_pow(token=forged, counter="0", form="appeal", now=NOW)
    assert result.refusal is abuse.PowRefusal.BAD_SIGNATURE
    # The original signature on a payload edited to difficulty 0.
    body, signature = challenge.token.rsplit(":", 1)
    edited = signing.b64_encode(signing.JSONSerializer().dumps(forged_payload)).decode()
    assert edited != body
    tampered = f"{edited}:{signature}"
    assert abuse.verify_pow(token=tampered, counter="0", form="appeal", now=NOW).refusal is (
        abuse.PowRefusal.BAD_SIGNATURE
    )


def test_a_challenge_solved_for_one_form_does_not_open_another() -> None:
    challenge, counter = _issued(form="lookup")
    result = abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW)
    assert result.refusal is abuse.PowRefusal.WRONG_FORM


def test_verifying_without_spending_leaves_the_challenge_for_the_write() -> None:
    challenge, counter = _issued()
    assert abuse.verify_pow(token=challenge.token, counter=counter, form="appeal", now=NOW, spend=False).ok
    assert abuse.spend_nonce(challenge.nonce)
    assert not abuse.spend_nonce(challenge.nonce)
    abuse.release_nonce(challenge.nonce)
    assert abuse.spend_nonce(challenge.nonce)


def test_difficulty_zero_accepts_any_counter(settings: Any) -> None:
    settings.EPROK_PORTAL_POW_DIFFICULTY = 0
    challenge = abuse.issue_challenge(form="appeal", now=NOW)
    assert abuse.verify_pow(token=challenge.token, counter="0", form="appeal", now=NOW).ok


# --- rate limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "period"),
    [("10/h", 10, 3600), ("5/15m", 5, 900), ("100/d", 100, 86400), ("3/second", 3, 1), (" 7 / 2h ", 7, 7200)],
)
def test_rates_are_read_from_their_settings(text: str, count: int, period: int) -> None:
    assert abuse.Rate.parse(text) == abuse.Rate(count=count, period=period)


@pytest.mark.parametrize("text", ["", "ten/h", "10", "10/fortnight", "/h"])
def test_a_malformed_rate_is_a_configuration_error(text: str) -> None:
    with pytest.raises(ValueError):
        abuse.Rate.parse(text)


def test_the_limit_refuses_the_request_after_the_last_allowed_one(settings: Any) -> None:
    settings.EPROK_PORTAL_RATE_APPEAL = "3/h"
    decisions = [abuse.rate_limit_hit(form="appeal", client="c1", now=NOW + i) for i in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.first_refusal for d in decisions] == [False, False, False, True, False]
    window_end = (NOW // 3600 + 1) * 3600
    assert decisions[3].retry_after == window_end - (NOW + 3)


def test_limits_are_per_client_and_per_form(settings: Any) -> None:
    settings.EPROK_PORTAL_RATE_APPEAL = "1/h"
    settings.EPROK_PORTAL_RATE_REPORT = "1/h"
    assert abuse.rate_limit_hit(form="appeal", client="c1", now=NOW).allowed
    assert not abuse.rate_limit_hit(form="appeal", client="c1", now=NOW).allowed
    assert abuse.rate_limit_hit(form="appeal", client="c2", now=NOW).allowed
    assert abuse.rate_limit_hit(form="report", client="c1", now=NOW).allowed


def test_the_next_window_starts_afresh(settings: Any) -> None:
    settings.EPROK_PORTAL_RATE_APPEAL = "1/h"
    start = (NOW // 3600) * 3600
    assert abuse.rate_limit_hit(form="appeal", client="c1", now=start + 10).allowed
    assert not abuse.rate_limit_hit(form="appeal", client="c1", now=start + 20).allowed
    assert abuse.rate_limit_hit(form="appeal", client="c1", now=start + 3600).allowed


# --- the client key ------------------------------------------------------------------------------


def _request(ip: str) -> Any:
    return RequestFactory().get("/portal/", REMOTE_ADDR=ip)


def test_the_client_key_is_a_keyed_hash_that_does_not_contain_the_address() -> None:
    key = abuse.client_key(_request(CLIENT_IP))
    assert key == abuse.client_key(_request(CLIENT_IP))
    assert CLIENT_IP not in key and "203" not in key
    assert key != hashlib.sha256(CLIENT_IP.encode()).hexdigest()[:32]  # not guessable without the secret
    assert key != abuse.client_key(_request("203.0.113.78"))


def test_the_client_key_depends_on_the_secret_key(settings: Any) -> None:
    before = abuse.client_key(_request(CLIENT_IP))
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert abuse.client_key(_request(CLIENT_IP)) != before


def test_ipv6_clients_are_counted_by_their_64_network() -> None:
    one = abuse.client_key(_request("2001:db8:1:2::1"))
    assert one == abuse.client_key(_request("2001:db8:1:2:ffff::9"))
    assert one != abuse.client_key(_request("2001:db8:1:3::1"))
    assert abuse.client_key(_request("::ffff:203.0.113.77")) == abuse.client_key(_request(CLIENT_IP))


# --- failed look-ups -----------------------------------------------------------------------------


def test_wrong_codes_for_one_number_lock_that_number() -> None:
    for attempt in range(2):
        assert not abuse.lookup_failed(scope="status", client=f"c{attempt}", subject="AP-1", now=NOW).locked
    third = abuse.lookup_failed(scope="status", client="c9", subject="AP-1", now=NOW)
    assert third.locked and third.retry_after == 15 * 60
    assert abuse.lookup_state(scope="status", client="fresh", subject="AP-1", now=NOW + 60).locked
    assert not abuse.lookup_state(scope="status", client="fresh", subject="AP-2", now=NOW + 60).locked
    assert not abuse.lookup_state(
        scope="status", client="fresh", subject="AP-1", now=NOW + 15 * 60 + 1
    ).locked


def test_wrong_codes_from_one_client_lock_that_client_for_every_number() -> None:
    limit = 3 * abuse.CLIENT_FAILURE_FACTOR
    for attempt in range(limit - 1):
        assert not abuse.lookup_failed(scope="status", client="c1", subject=f"AP-{attempt}", now=NOW).locked
    assert abuse.lookup_failed(scope="status", client="c1", subject="AP-last", now=NOW).locked
    assert abuse.lookup_state(scope="status", client="c1", subject="AP-new", now=NOW).locked
    assert not abuse.lookup_state(scope="status", client="c2", subject="AP-new", now=NOW).locked
    assert not abuse.lookup_state(scope="conversation", client="c1", now=NOW).locked


def test_the_right_code_clears_the_count_of_its_number() -> None:
    abuse.lookup_failed(scope="status", client="c1", subject="AP-1", now=NOW)
    abuse.lookup_failed(scope="status", client="c2", subject="AP-1", now=NOW)
    abuse.lookup_succeeded(scope="status", subject="AP-1")
    assert not abuse.lookup_failed(scope="status", client="c3", subject="AP-1", now=NOW).locked

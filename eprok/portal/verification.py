"""Public verification of a signed document by its code: the rate limits and the lockout of code
guessing around eprok.signing.selectors.public_verification, shared by the page and the API.

Verification codes are printed on the documents and in their QR codes, so (unlike appeal access
codes) they are allowed in the address: /portal/verify/<code>/. What the page reveals is only what a
holder of the paper already knows or must be able to check: checksum, kind of act, issuing unit,
signers and whether it is valid — never the title, the text or the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from eprok.audit.services import audit_record
from eprok.portal import abuse

FORM = "verify"
SCOPE = "verify"


@dataclass(frozen=True)
class VerifyOutcome:
    result: Any = None  # eprok.signing.selectors.PublicVerification, or None for no such document
    retry_after: int = 0  # > 0: refused (rate limit or lockout); try again after this many seconds


def verification_lookup(request: HttpRequest, code: str) -> VerifyOutcome:
    """Look a code up for a visitor: counted against the rate limit; wrong codes lock the client out."""
    from eprok.signing.selectors import public_verification

    client = abuse.client_key(request)
    decision = abuse.rate_limit_hit(form=FORM, client=client)
    if not decision.allowed:
        if decision.first_refusal:
            audit_record(actor=None, action="portal.rate.limited", target_type="portal.form", target_id=FORM)
        return VerifyOutcome(retry_after=decision.retry_after)
    state = abuse.lookup_state(scope=SCOPE, client=client)
    if state.locked:
        return VerifyOutcome(retry_after=state.retry_after)
    result = public_verification(code)
    if result is None:
        failed = abuse.lookup_failed(scope=SCOPE, client=client)
        if failed.locked:
            audit_record(actor=None, action="portal.verify.locked", target_type="portal.form", target_id=FORM)
        return VerifyOutcome()
    audit_record(
        actor=None,
        action="signing.document.public_verify",
        # The document is the target; the code itself is not recorded (it opens the public page).
        target_type="documents.document",
        target_id=result.document_id,
        purpose="public verification by code",
        data={"valid": result.valid, "withdrawn": result.withdrawn},
    )
    return VerifyOutcome(result=result)

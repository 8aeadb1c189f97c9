"""The e-Government gateway (EHİS, built on the X-Road principle): configured services, the message log,
circuit breakers, the inbound allow-list, state-register look-ups and the e-Court deliveries.

Every outbound exchange goes through `eprok.gateway.client`, which writes one `Message` per attempt; the
message log is append-only (database triggers refuse UPDATE and DELETE) and hash-chained like the audit
log, so an edited or deleted message is detected by `manage.py gateway_verify`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin


class ServiceKind(models.TextChoices):
    REGISTER = "register", _("State register")
    COURT = "court", _("e-Court")
    OTHER = "other", _("Other service")


class RemoteService(TranslatedNameMixin, TimeStampedModel):
    """A service of another member on the gateway: its X-Road address, limits and who may call it.

    `code` is what the code names (e.g. "population.person"); `member` is "INSTANCE/CLASS/CODE/SUBSYSTEM"
    and `service` the service code (with version), so the request path is
    `/r1/{member}/{service}{path}`. `roles` lists the role codes allowed to run look-ups on a register.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ServiceKind.choices, default=ServiceKind.REGISTER
    )
    member = models.CharField(_("provider (instance/class/member/subsystem)"), max_length=200)
    service = models.CharField(_("service code"), max_length=100)
    timeout = models.FloatField(_("timeout (seconds)"), default=10.0)
    retries = models.PositiveSmallIntegerField(_("retries"), default=2)
    failure_threshold = models.PositiveSmallIntegerField(_("failures that open the circuit"), default=5)
    cooldown = models.PositiveIntegerField(_("seconds before a trial call"), default=60)
    roles = models.JSONField(_("roles allowed"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("gateway service")
        verbose_name_plural = _("gateway services")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(timeout__gt=0), name="remoteservice_timeout_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class CircuitState(models.Model):
    """The circuit breaker of one service, shared by every app server: consecutive failures and, once open,
    until when calls are refused without trying; after that one trial call decides."""

    service = models.OneToOneField(RemoteService, on_delete=models.CASCADE, related_name="circuit")
    failures = models.PositiveIntegerField(default=0)
    opened_until = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.service_id}: {self.failures}"


class InboundPermission(TimeStampedModel):
    """The allow-list: a calling member (`client`, "INSTANCE/CLASS/CODE/SUBSYSTEM") may call our service."""

    client = models.CharField(_("calling member"), max_length=200)
    service = models.CharField(_("our service"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inbound permission")
        verbose_name_plural = _("inbound permissions")
        ordering = ["service", "client"]
        constraints = [
            models.UniqueConstraint(fields=["client", "service"], name="inboundpermission_unique"),
        ]


class Direction(models.TextChoices):
    OUT = "out", _("Outbound")
    IN = "in", _("Inbound")


class Outcome(models.TextChoices):
    OK = "ok", _("Answered")
    NOT_FOUND = "not_found", _("Not found")
    REFUSED = "refused", _("Refused")
    ERROR = "error", _("Error answer")
    TIMEOUT = "timeout", _("No answer in time")
    UNREACHABLE = "unreachable", _("Unreachable")
    BAD_ANSWER = "bad_answer", _("Malformed answer")
    HASH_MISMATCH = "hash_mismatch", _("Request hash does not match")
    CIRCUIT_OPEN = "circuit_open", _("Not tried: the service is failing")
    DUPLICATE = "duplicate", _("Repeated message")


class Message(models.Model):
    """One request and its response on the gateway; append-only and hash-chained.

    Bodies are stored as sent and received (they may hold personal data: only gateway administrators read
    them, and every such read is audited); `request_hash` is the X-Road request hash (SHA-512, base64) and
    `response_hash` the SHA-512 of the response body.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    xroad_id = models.CharField(_("message id"), max_length=100)
    client = models.CharField(_("client"), max_length=200)
    service = models.CharField(_("service"), max_length=300)
    service_code = models.CharField(_("service code"), max_length=64, blank=True, db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    user_id = models.CharField(_("user (FIN)"), max_length=64, blank=True)
    issue = models.CharField(_("issue"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    request_body = models.TextField(_("request"), blank=True)
    response_body = models.TextField(_("response"), blank=True)
    request_hash = models.CharField(_("request hash"), max_length=100, blank=True)
    response_hash = models.CharField(_("response hash"), max_length=100, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("gateway message")
        verbose_name_plural = _("gateway messages")
        ordering = ["-id"]
        constraints = [
            # An inbound message id is processed once per calling member (a repeat gets the stored answer).
            models.UniqueConstraint(
                fields=["client", "xroad_id"],
                condition=Q(direction="in", outcome="ok"),
                name="message_inbound_once",
            ),
        ]
        indexes = [models.Index(fields=["direction", "xroad_id"], name="message_direction_xroad_id")]

    def __str__(self) -> str:
        return f"{self.direction} {self.service_code or self.service} {self.xroad_id}"


class Register(models.TextChoices):
    POPULATION = "population", _("Population register")
    TAX = "tax", _("Tax register (legal entities)")
    VEHICLES = "vehicles", _("Vehicle register")
    REAL_ESTATE = "real_estate", _("Real estate register")
    RECORDS = "records", _("Criminal records and wanted persons")
    BORDER = "border", _("Border crossings")


class LookupStatus(models.TextChoices):
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


class Lookup(PublicIdModel):
    """One "elektron sorğu": who asked which register about what, why, and what came back."""

    register = models.CharField(_("register"), max_length=16, choices=Register.choices)
    query_kind = models.CharField(_("looked up by"), max_length=16)
    query = models.CharField(_("query"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    subject_type = models.CharField(_("from"), max_length=32, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    issue = models.CharField(_("case or material number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LookupStatus.choices)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = _("register look-up")
        verbose_name_plural = _("register look-ups")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"], name="lookup_actor_created"),
            models.Index(fields=["subject_type", "subject_id"], name="lookup_subject"),
        ]


class RegisterCopy(models.Model):
    """Data confirmed by a register and copied into a person record: what, from which look-up, when, by
    whom."""

    lookup = models.ForeignKey(Lookup, on_delete=models.PROTECT, related_name="copies")
    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="register_copies")
    fields = models.JSONField(_("fields copied"), default=dict)
    copied_at = models.DateTimeField(_("copied at"), auto_now_add=True)
    copied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("data copied from a register")
        verbose_name_plural = _("data copied from registers")
        ordering = ["-copied_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.lookup_id}"


class DeliveryKind(models.TextChoices):
    INDICTMENT = "indictment", _("Indictment with the case package")
    CUSTODY = "custody", _("Motion for arrest (custody)")
    SEARCH = "search", _("Motion for a search")
    WIRETAP = "wiretap", _("Motion for interception of communications")
    EXTENSION = "extension", _("Motion to extend a term")
    APPEAL = "appeal", _("Appeal")
    PROTEST = "protest", _("Protest")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the court")
    REJECTED = "rejected", _("Rejected by the court")
    FAILED = "failed", _("Failed; needs attention")


class CourtDelivery(PublicIdModel):
    """A package sent to the e-Court: an indictment with the signed case package, a motion for court
    sanction, an appeal or a protest. Queued in the sender's transaction and delivered by the worker;
    a failed attempt stays queued with its next try; the evidence of delivery is the request hash, the time
    and the court's acknowledgement."""

    kind = models.CharField(_("kind"), max_length=12, choices=DeliveryKind.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="court_deliveries", null=True, blank=True
    )
    supervised = models.ForeignKey(
        "supervision.SupervisedCase",
        on_delete=models.PROTECT,
        related_name="court_deliveries",
        null=True,
        blank=True,
    )
    proceeding = models.ForeignKey(
        "courtwork.Proceeding", on_delete=models.PROTECT, related_name="deliveries", null=True, blank=True
    )
    court = models.ForeignKey(
        "courtwork.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    package = models.ForeignKey(
        "documents.Document",
        verbose_name=_("signed package"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    xroad_id = models.CharField(_("message id"), max_length=100, unique=True)
    request_hash = models.CharField(_("request hash"), max_length=100, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    court_reference = models.CharField(_("court's reference"), max_length=100, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("e-Court delivery")
        verbose_name_plural = _("e-Court deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next")]

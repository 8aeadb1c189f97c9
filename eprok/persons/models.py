"""People and organisations that appear in materials and cases: one record each, however many roles.

A natural person is keyed by FIN (fərdi identifikasiya nömrəsi) when known, a foreigner by passport
or virtual PIN; a legal entity by VÖEN (vergi ödəyicisinin eyniləşdirmə nömrəsi). Roles in a
material or case live in those apps (MaterialParty, CaseParty) and point here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel


class PersonKind(models.TextChoices):
    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal entity")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PartyRole(models.TextChoices):
    """The role a person plays in a material or a case (shared by both)."""

    APPLICANT = "applicant", _("Applicant")
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    ACCUSED = "accused", _("Accused")
    WITNESS = "witness", _("Witness")
    CIVIL_PLAINTIFF = "civil_plaintiff", _("Civil plaintiff")
    CIVIL_DEFENDANT = "civil_defendant", _("Civil defendant")
    REPRESENTATIVE = "representative", _("Representative")
    DEFENCE_COUNSEL = "defence_counsel", _("Defence counsel")


class Person(PublicIdModel):
    """A natural person or a legal entity; merged duplicates keep their row and point to the survivor."""

    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices, default=PersonKind.NATURAL)
    # Natural persons.
    fin = models.CharField(_("FIN"), max_length=7, null=True, blank=True)  # noqa: DJ001 - NULL, not "", so the unique constraint ignores unknown FINs
    virtual_pin = models.CharField(_("virtual PIN"), max_length=16, blank=True)
    last_name = models.CharField(_("surname"), max_length=100, blank=True)
    first_name = models.CharField(_("name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    citizenship = models.CharField(
        _("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166 country code, e.g. AZ.")
    )
    # Legal entities.
    voen = models.CharField(_("VÖEN"), max_length=10, null=True, blank=True)  # noqa: DJ001 - as fin
    legal_name = models.CharField(_("name of the legal entity"), max_length=300, blank=True)
    registration_number = models.CharField(_("state registration number"), max_length=64, blank=True)
    registration_date = models.DateField(_("date of state registration"), null=True, blank=True)
    # Derived: the transliteration-folded name for search (see eprok.persons.names).
    name_key = models.CharField(_("search key"), max_length=400, blank=True, editable=False, db_index=True)
    note = models.TextField(_("note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: every write bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "legal_name", "pk"]
        constraints = [
            # Only live records hold an identifier uniquely; a merged duplicate may repeat it.
            models.UniqueConstraint(
                fields=["fin"],
                condition=Q(fin__isnull=False, merged_into__isnull=True),
                name="person_fin_unique",
            ),
            models.UniqueConstraint(
                fields=["voen"],
                condition=Q(voen__isnull=False, merged_into__isnull=True),
                name="person_voen_unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=["natural", "legal"]), name="person_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="legal") | Q(voen__isnull=True) | Q(voen__endswith="2"),
                name="person_natural_voen_ends_in_2",
            ),
            models.CheckConstraint(
                condition=Q(kind="natural") | Q(voen__isnull=True) | Q(voen__endswith="1"),
                name="person_legal_voen_ends_in_1",
            ),
            # A FIN identifies a natural person only.
            models.CheckConstraint(
                condition=Q(kind="natural") | Q(fin__isnull=True), name="person_legal_has_no_fin"
            ),
        ]
        indexes = [
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # Exact look-ups from the search box (FIN and VÖEN have their unique indexes).
            models.Index(fields=["virtual_pin"], name="person_virtual_pin"),
            models.Index(fields=["registration_number"], name="person_registration_number"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == PersonKind.LEGAL:
            return self.legal_name
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("Identity card")
    PASSPORT = "passport", _("Passport")
    FOREIGN_PASSPORT = "foreign_passport", _("Foreign passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    OTHER = "other", _("Other document")


class PersonDocument(TimeStampedModel):
    """An identity document of a natural person."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    series = models.CharField(_("series"), max_length=8, blank=True)
    number = models.CharField(_("number"), max_length=32)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["person", "kind", "pk"]
        indexes = [models.Index(fields=["number"], name="persondoc_number")]

    def __str__(self) -> str:
        return f"{self.series}{self.number}"


class AddressKind(models.TextChoices):
    REGISTRATION = "registration", _("Registered address")
    RESIDENCE = "residence", _("Actual residence")
    LEGAL = "legal", _("Legal address")
    WORK = "work", _("Workplace")


class PersonAddress(TimeStampedModel):
    """An address of a person or entity."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="addresses"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AddressKind.choices)
    district = models.CharField(_("city or district"), max_length=100, blank=True)
    text = models.CharField(_("address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["person", "kind", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.district, self.text) if part)


class PersonPhone(TimeStampedModel):
    """A phone number, kept in E.164 form (+994...)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("phone number"), max_length=20, db_index=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["person", "pk"]

    def __str__(self) -> str:
        return self.number


class PersonMerge(models.Model):
    """A record of a merge: which duplicate was folded into which survivor, by whom, with what it held."""

    duplicate = models.ForeignKey(
        Person, verbose_name=_("duplicate"), on_delete=models.PROTECT, related_name="merges_as_duplicate"
    )
    survivor = models.ForeignKey(
        Person,
        verbose_name=_("surviving record"),
        on_delete=models.PROTECT,
        related_name="merges_as_survivor",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    snapshot = models.JSONField(_("duplicate as it was"), default=dict)
    moved = models.JSONField(_("references moved"), default=dict)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} -> {self.survivor_id}"

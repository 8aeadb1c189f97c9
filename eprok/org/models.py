"""The service's structure: units as a tree, positions, class ranks, employees and role assignments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.collation import az_lower
from eprok.core.models import TimeStampedModel, TranslatedNameMixin
from eprok.org.roles import Clearance, Role


class UnitKind(models.TextChoices):
    GENERAL_OFFICE = "general_office", _("General Prosecutor's Office")
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    DIRECTORATE = "directorate", _("Main directorate")
    MILITARY_OFFICE = "military_office", _("Military prosecutor's office")
    AUTONOMOUS_OFFICE = "autonomous_office", _("Autonomous republic prosecutor's office")
    CITY_OFFICE = "city_office", _("City prosecutor's office")
    DISTRICT_OFFICE = "district_office", _("District prosecutor's office")
    CENTRE = "centre", _("Training centre")


class Unit(TranslatedNameMixin, TimeStampedModel):
    """A body or unit of the service; units form a tree kept as a materialised path for subtree queries."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/1/5/17/": the ids from the root down to this unit; a subtree is path LIKE '/1/5/%'.
    path = models.CharField(_("tree path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    district_code = models.CharField(_("district code"), max_length=16, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The head of the unit: sees the training record of the unit's employees and is the superior of its
    # employees (the head's own superior is the head of the parent unit).
    head = models.ForeignKey(
        "org.Employee",
        verbose_name=_("head of the unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


class Position(TranslatedNameMixin, models.Model):
    """A post in the service (prosecutor, investigator, head of department...)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    is_prosecutor = models.BooleanField(_("prosecutor's post"), default=False)
    is_investigator = models.BooleanField(_("investigator's post"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ClassRank(TranslatedNameMixin, models.Model):
    """A special (class) rank of prosecution employees; seniority 1 is the highest."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    seniority = models.PositiveSmallIntegerField(_("seniority"), unique=True)

    class Meta:
        verbose_name = _("class rank")
        verbose_name_plural = _("class ranks")
        ordering = ["seniority"]

    def __str__(self) -> str:
        return self.name


def name_search_key(text: str) -> str:
    """Lower-case with Azerbaijani rules, then fold dotless ı into i, so "İSMAYILOVA" finds "İsmayılova"."""
    return az_lower(text).replace("ı", "i").strip()


class EmployeeManager(BaseUserManager["Employee"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: object) -> Employee:
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: object) -> Employee:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(username, password, **fields)


class Employee(AbstractBaseUser, PermissionsMixin):
    """An employee of the service and the account they sign in with."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(_("login"), max_length=64, unique=True)
    # FIN: personal identification number, 7 characters (see core validators).
    fin = models.CharField(_("FIN"), max_length=7, unique=True, null=True, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    class_rank = models.ForeignKey(
        ClassRank,
        verbose_name=_("class rank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Clearance.choices, default=Clearance.OFFICIAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    preferred_language = models.CharField(_("interface language"), max_length=5, blank=True)
    # The full name folded for case-insensitive search in any alphabet case (see name_search_key).
    name_key = models.CharField(_("search key"), max_length=310, blank=True, editable=False, db_index=True)

    objects = EmployeeManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["last_name", "first_name"]

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["unit", "last_name"], name="org_employee_unit_name")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column kept with the row it derives from: the folded name used by the directory search.
        self.name_key = name_search_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"last_name", "first_name", "patronymic"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        initial = f"{self.first_name[:1]}." if self.first_name else ""
        return f"{self.last_name} {initial}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.short_name


class RoleAssignment(TimeStampedModel):
    """A role given to an employee in a unit, optionally with all its sub-units, for a period."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    include_subunits = models.BooleanField(_("with sub-units"), default=False)
    valid_from = models.DateField(_("valid from"), default=dt.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        Employee,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when an administrator ends the assignment: it stops counting at once, whatever valid_to says.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [models.Index(fields=["employee", "role"], name="org_assignment_emp_role")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="org_assignment_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.unit}"

    def is_active_on(self, day: dt.date) -> bool:
        if self.ended_at is not None:
            return False
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

"""Roles: named capability flags. An assignment gives one role in a unit (optionally with sub-units).

Roles live in code, not in a table, because access rules name them; their labels and help texts
are translated. Each help text says what data the role opens.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTER_MATERIALS = "register_materials", _("Register crime reports")
    INVESTIGATE = "investigate", _("Investigate")
    SUPERVISE = "supervise", _("Supervise investigations")
    PROSECUTE = "prosecute", _("State prosecution in court")
    REGISTER_APPEALS = "register_appeals", _("Register appeals")
    ANSWER_APPEALS = "answer_appeals", _("Answer appeals")
    OPERATE_CALLS = "operate_calls", _("Operate the call centre")
    SUPERVISE_CALLS = "supervise_calls", _("Supervise the call centre")
    HOTLINE_CUSTODIAN = "hotline_custodian", _("Keep the identities of hotline reporters")
    KEEP_CORRESPONDENCE = "keep_correspondence", _("Keep the correspondence register")
    MANAGE_TEMPLATES = "manage_templates", _("Manage document templates")
    REPORT_SPECIAL = "report_special", _("Submit special reports")
    READ_SPECIAL = "read_special", _("Read special reports")
    DUTY_PROSECUTOR = "duty_prosecutor", _("Duty prosecutor")
    ADMINISTER_TRAINING = "administer_training", _("Administer training")
    TEACH_TRAINING = "teach_training", _("Conduct training")
    VIEW_STATISTICS = "view_statistics", _("View statistics")
    READ_AUDIT = "read_audit", _("Read the audit log")
    ADMINISTER_GATEWAY = "administer_gateway", _("Administer the e-Government gateway")
    ADMINISTER_USERS = "administer_users", _("Administer users")


ROLE_HELP: dict[str, object] = {
    Role.REGISTER_MATERIALS: _(
        "Registers crime reports received by the unit and sees the register of crime materials of the unit "
        "(and of its sub-units when granted with them), including applicants' personal data."
    ),
    Role.INVESTIGATE: _(
        "Conducts checks and investigations assigned to the holder: opens the materials and criminal cases "
        "assigned to them, with the persons, evidence and documents in them."
    ),
    Role.SUPERVISE: _(
        "Supervises investigations of the unit's area: reads every material and case of the unit and its "
        "sub-units, gives instructions and approves indictments."
    ),
    Role.PROSECUTE: _(
        "Represents the prosecution in court: reads the cases sent to court from the unit and the unit's "
        "court proceedings, records hearings, positions, motions, decisions and appeals."
    ),
    Role.REGISTER_APPEALS: _(
        "Registers citizens' appeals and sees the unit's appeal register with applicants' data."
    ),
    Role.ANSWER_APPEALS: _(
        "Resolves and answers citizens' appeals routed to the unit: reads the appeals, applicants "
        "and answers."
    ),
    Role.OPERATE_CALLS: _(
        "Works in the 961 call centre and the 161 hotline: sees callers' numbers, call history "
        "and call records."
    ),
    Role.SUPERVISE_CALLS: _(
        "Supervises the 961 call centre or the 161 hotline of the unit: sees the queues, every operator's "
        "load and every call record of the unit, and reassigns callbacks."
    ),
    Role.HOTLINE_CUSTODIAN: _(
        "The named custodian of the identities that hotline reporters chose to give: the only role that can "
        "reveal them; every reveal is audited with its purpose."
    ),
    Role.KEEP_CORRESPONDENCE: _(
        "Registers the unit's incoming and outgoing letters (kargüzarlıq), records the head's resolutions "
        "(dərkənar) with their executors and due dates, and sees the unit's correspondence register."
    ),
    Role.MANAGE_TEMPLATES: _(
        "Maintains the library of procedural-act and letter templates: edits them, publishes new versions "
        "and withdraws old ones."
    ),
    Role.REPORT_SPECIAL: _(
        "Submits the unit's special reports on serious incidents to the General Prosecutor's Office "
        "and their follow-ups, and reads the unit's own reports."
    ),
    Role.READ_SPECIAL: _(
        "Reads special reports on serious incidents from the unit's area; restricted information, every read "
        "is audited."
    ),
    Role.DUTY_PROSECUTOR: _(
        "Receives and acknowledges special reports on the duty console of the General Prosecutor's Office."
    ),
    Role.ADMINISTER_TRAINING: _(
        "Plans training events and courses and sees listeners' attendance, results and certificates."
    ),
    Role.TEACH_TRAINING: _(
        "Conducts training events as a trainer: sees the events they teach, with their listeners' "
        "invitations and attendance, and shows the attendance QR code."
    ),
    Role.VIEW_STATISTICS: _("Sees statistical reports and dashboards of the unit and its sub-units."),
    Role.READ_AUDIT: _(
        "Reads the audit log of actions performed in the unit and its sub-units, including who read "
        "protected data."
    ),
    Role.ADMINISTER_GATEWAY: _(
        "Configures the services of the e-Government gateway and the members allowed to call eprok, and "
        "reads the gateway's message log with the requests and answers exchanged (every read is audited)."
    ),
    Role.ADMINISTER_USERS: _(
        "Manages units, employees, role assignments and clearances of the unit and its sub-units, and "
        "can ask why any employee can see any record."
    ),
}

# Every role opens non-public data, so holders must sign in with a second factor.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(Role.values)


class Clearance(models.IntegerChoices):
    """Access levels for restricted records (the owner's classification must not exceed the reader's)."""

    PUBLIC = 0, _("Unclassified")
    OFFICIAL = 1, _("For official use")
    SECRET = 2, _("Secret")
    TOP_SECRET = 3, _("Top secret")

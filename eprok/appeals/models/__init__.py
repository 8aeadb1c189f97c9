"""The appeals register's tables.

appeal.py       Appeal with Channel, AppealKind, AppealStatus (+ TRANSITIONS), Outcome, UnconsideredGround,
                AnswerRule, Language
classifiers.py  AppealTopic (with escalation), Sector (the sector/agency concerned; also the 161 hotline's)
records.py      Resolution (dərkənar), AppealExtension, Forwarding, Answer (+ AnswerStatus,
                ANSWER_TRANSITIONS, DeliveryChannel), AppealAttachment, ReceptionEntry
"""

from eprok.appeals.models.appeal import (
    AUTOMATIC_CHANNELS,
    CLOSED_STATUSES,
    FORWARD_RULE,
    MERIT_OUTCOMES,
    OPEN_STATUSES,
    TRANSITIONS,
    WRITTEN_CHANNELS,
    AnswerRule,
    Appeal,
    AppealKind,
    AppealStatus,
    Channel,
    Language,
    Outcome,
    UnconsideredGround,
)
from eprok.appeals.models.classifiers import AppealTopic, Escalation, Sector
from eprok.appeals.models.records import (
    ANSWER_TRANSITIONS,
    Answer,
    AnswerStatus,
    AppealAttachment,
    AppealExtension,
    DeliveryChannel,
    Forwarding,
    ReceptionEntry,
    Resolution,
)

__all__ = [
    "ANSWER_TRANSITIONS",
    "AUTOMATIC_CHANNELS",
    "CLOSED_STATUSES",
    "FORWARD_RULE",
    "MERIT_OUTCOMES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "WRITTEN_CHANNELS",
    "Answer",
    "AnswerRule",
    "AnswerStatus",
    "Appeal",
    "AppealAttachment",
    "AppealExtension",
    "AppealKind",
    "AppealStatus",
    "AppealTopic",
    "Channel",
    "DeliveryChannel",
    "Escalation",
    "Forwarding",
    "Language",
    "Outcome",
    "ReceptionEntry",
    "Resolution",
    "Sector",
    "UnconsideredGround",
]

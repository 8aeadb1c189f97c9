"""The Azerbaijani working calendar and the statutory deadline engine.

`workdays` answers "is this a working day, and if not, why?"; `deadlines` turns a rule kept as data
(eprok.core.models.DeadlineRule) and a start moment into a due date with its explanation.
"""

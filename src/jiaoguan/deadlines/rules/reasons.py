"""One sentence in Chinese and one in English saying why a deadline stands where it does.

Sentences are English msgids translated through `deadlines.po`; the kind and the measures' titles
are put in per language before the sentence is filled in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from jiaoguan.deadlines.rules.kinds import DeadlineKind, Nature
from jiaoguan.kit.i18n import N_, translate

LOCALES = ("zh_Hans", "en")
_JOIN = {"zh_Hans": "、", "en": ", "}
_QUOTE = {"zh_Hans": "《%s》", "en": "“%s”"}


class Title(Protocol):
    """A measure's title in both languages (`measures.Title`); the rules need nothing else of it."""

    def in_locale(self, locale: str) -> str: ...

HANDLING_OK = N_("The %(kind)s is due by %(due)s; on %(on)s it is not overdue.")
HANDLING_OK_MOVED = N_("The %(kind)s was due by %(original)s; %(measures)s moved the deadline to %(due)s, "
                       "so on %(on)s it is not overdue.")
HANDLING_OK_GRACE = N_("The %(kind)s is due by %(due)s and on %(on)s it is not overdue; should it become "
                       "overdue, %(measures)s allows it to be handled until %(until)s.")
GRACE_WAIVED = N_("The %(kind)s was due by %(original)s and is overdue on %(on)s, but %(measures)s allows it "
                  "to be handled until %(until)s without penalty.")
GRACE_NOT_WAIVED = N_("The %(kind)s was due by %(original)s and is overdue on %(on)s; %(measures)s allows it "
                      "to be handled until %(until)s, but a penalty may be imposed.")
LATE_AFTER_MEASURE_PENALTY = N_("The %(kind)s was due by %(original)s; what %(measures)s allowed ended on "
                                "%(until)s, so on %(on)s it is overdue and a penalty may be imposed.")
LATE_AFTER_MEASURE = N_("The %(kind)s was due by %(original)s; what %(measures)s allowed ended on %(until)s, "
                        "so on %(on)s it is overdue.")
LATE_WAIVED = N_("The %(kind)s was due by %(due)s and is overdue on %(on)s, but %(measures)s waives the "
                 "penalty on that day.")
LATE_PENALTY = N_("The %(kind)s was due by %(due)s; on %(on)s it is overdue and a penalty may be imposed.")
LATE = N_("The %(kind)s was due by %(due)s; on %(on)s it is overdue.")
VALID = N_("The %(kind)s is valid until %(due)s; on %(on)s it is still valid.")
VALID_MOVED = N_("The %(kind)s was valid until %(original)s; %(measures)s extended it to %(due)s, so on "
                 "%(on)s it is still valid.")
EXPIRED = N_("The %(kind)s was valid until %(due)s; on %(on)s it has expired.")
EXPIRED_MOVED = N_("The %(kind)s was valid until %(original)s and was extended by %(measures)s to %(due)s; "
                   "on %(on)s it has expired.")
PENDING = N_("The %(kind)s takes effect after %(due)s; on %(on)s it has not taken effect.")
PENDING_MOVED = N_("The %(kind)s would have taken effect after %(original)s; %(measures)s holds it until "
                   "%(due)s, so on %(on)s it has not taken effect.")
IN_EFFECT = N_("The %(kind)s took effect after %(due)s; on %(on)s it is in effect.")
IN_EFFECT_MOVED = N_("The %(kind)s was held by %(measures)s until %(due)s and took effect after that day; "
                     "on %(on)s it is in effect.")


def choose(kind: DeadlineKind, *, moved: bool, graced: bool, measured: bool, overdue: bool, in_grace: bool,
           waived: bool, penalty_allowed: bool) -> str:
    """The msgid for the situation: `moved` = the deadline itself moved; `graced` = a grace window runs
    past it; `measured` = any measure acted."""
    if kind.nature is Nature.VALIDITY:
        if overdue:
            return EXPIRED_MOVED if moved else EXPIRED
        return VALID_MOVED if moved else VALID
    if kind.nature is Nature.CONSEQUENCE:
        if overdue:
            return IN_EFFECT_MOVED if moved else IN_EFFECT
        return PENDING_MOVED if moved else PENDING
    if not overdue:
        if graced:
            return HANDLING_OK_GRACE
        return HANDLING_OK_MOVED if moved else HANDLING_OK
    if in_grace:
        return GRACE_NOT_WAIVED if penalty_allowed else GRACE_WAIVED
    if waived and measured:
        return LATE_WAIVED
    if measured:
        return LATE_AFTER_MEASURE_PENALTY if penalty_allowed else LATE_AFTER_MEASURE
    return LATE_PENALTY if penalty_allowed else LATE


def sentences(msgid: str, kind: DeadlineKind, titles: Sequence[Title], *, original: dt.date,
              due: dt.date, until: dt.date, on: dt.date) -> tuple[str, str]:
    """(reason_zh, reason_en)."""
    out = []
    for locale in LOCALES:
        joined = _JOIN[locale].join(_QUOTE[locale] % t.in_locale(locale) for t in titles)
        out.append(translate(msgid, locale, kind=translate(kind.label, locale), measures=joined,
                             original=original.isoformat(), due=due.isoformat(), until=until.isoformat(),
                             on=on.isoformat()))
    return out[0], out[1]

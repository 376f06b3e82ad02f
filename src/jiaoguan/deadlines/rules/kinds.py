"""The kinds of deadline the rules compute and the measures act on.

Every deadline is a `due` date: the LAST day on which the record is still in order (inclusive). The
record is overdue, expired, or the consequence takes effect from the next day on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.licence import AB_CLASSES


class Nature(StrEnum):
    HANDLING = "handling"        # something must be done by the due date (inspect, renew, review, hand in)
    VALIDITY = "validity"        # something lapses after the due date (permit, reserved plate number)
    CONSEQUENCE = "consequence"  # an automatic consequence takes effect after the due date


class DeadlineKind(StrEnum):
    INSPECTION = "inspection"                    # 机动车定期检验 (检验有效期止)
    LICENCE_RENEWAL = "licence-renewal"          # 驾驶证期满换证 (有效期止)
    LICENCE_REVIEW = "licence-review"            # 驾驶证审验
    MEDICAL_CERTIFICATE = "medical-certificate"  # 身体条件证明 (70+ yearly, C5 3-yearly, 容缺)
    FULL_SCORE_EDUCATION = "full-score-education"  # 满分教育
    LEARNER_PERMIT = "learner-permit"            # 学习驾驶证明
    PRESELECTED_PLATE = "preselected-plate"      # 互联网预选号牌号码
    PLATE_RETENTION = "plate-retention"          # 原号牌号码保留
    LICENCE_CANCELLATION = "licence-cancellation"  # 驾驶证注销 (one year after expiry, art 79)
    LICENCE_RESTORATION = "licence-restoration"    # last day a cancelled licence may be restored (科目一)
    COMPULSORY_SCRAPPING = "compulsory-scrapping"  # 强制报废 after three missed inspection cycles

    @property
    def nature(self) -> Nature:
        return _NATURE[self]

    @property
    def penalisable(self) -> bool:
        """Whether being overdue is itself an offence that can be fined (道交法 art 90, Decree 162 art 99)."""
        return self in _PENALISABLE

    @property
    def label(self) -> str:
        """An English msgid naming the kind; translate it where it is shown."""
        return _LABEL[self]


_NATURE = {
    DeadlineKind.INSPECTION: Nature.HANDLING,
    DeadlineKind.LICENCE_RENEWAL: Nature.HANDLING,
    DeadlineKind.LICENCE_REVIEW: Nature.HANDLING,
    DeadlineKind.MEDICAL_CERTIFICATE: Nature.HANDLING,
    DeadlineKind.FULL_SCORE_EDUCATION: Nature.HANDLING,
    DeadlineKind.LEARNER_PERMIT: Nature.VALIDITY,
    DeadlineKind.PRESELECTED_PLATE: Nature.VALIDITY,
    DeadlineKind.PLATE_RETENTION: Nature.VALIDITY,
    DeadlineKind.LICENCE_CANCELLATION: Nature.CONSEQUENCE,
    DeadlineKind.LICENCE_RESTORATION: Nature.CONSEQUENCE,
    DeadlineKind.COMPULSORY_SCRAPPING: Nature.CONSEQUENCE,
}

_PENALISABLE = frozenset({DeadlineKind.INSPECTION, DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_REVIEW})

_LABEL = {
    DeadlineKind.INSPECTION: N_("vehicle inspection"),
    DeadlineKind.LICENCE_RENEWAL: N_("licence renewal"),
    DeadlineKind.LICENCE_REVIEW: N_("licence review"),
    DeadlineKind.MEDICAL_CERTIFICATE: N_("medical certificate"),
    DeadlineKind.FULL_SCORE_EDUCATION: N_("full-score education"),
    DeadlineKind.LEARNER_PERMIT: N_("learner permit"),
    DeadlineKind.PRESELECTED_PLATE: N_("preselected plate number"),
    DeadlineKind.PLATE_RETENTION: N_("retained plate number"),
    DeadlineKind.LICENCE_CANCELLATION: N_("licence cancellation"),
    DeadlineKind.LICENCE_RESTORATION: N_("licence restoration"),
    DeadlineKind.COMPULSORY_SCRAPPING: N_("compulsory scrapping"),
}


class VehicleClass(StrEnum):
    """The split of staged exits: heavy = large/medium buses, heavy/medium trucks, trailers, and the
    drivers of large passenger and freight vehicles (A1 A2 A3 B1 B2); other = everyone else."""

    HEAVY = "heavy"
    OTHER = "other"


# The drivers of large passenger and freight vehicles (大中型客货车驾驶人) are the A/B classes.
HEAVY_LICENCE_CLASSES = AB_CLASSES


@dataclass(frozen=True)
class Deadline:
    """One deadline the regulations set for a record, before any temporary measure.

    `rule` cites the provision (codes listed in `records.py`); `opens` is when handling may start
    (e.g. 90 days before licence expiry); `detail` qualifies it (e.g. "sticker-only").
    """

    kind: DeadlineKind
    due: dt.date
    rule: str
    opens: dt.date | None = None
    detail: str = ""

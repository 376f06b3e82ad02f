"""JSON shapes of the deadlines API: decisions as the CLI prints them, with both sentences."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.service import EnforcementAnswer, RecordDeadlines


class DecisionOut(BaseModel):
    kind: str = Field(description="inspection, licence-renewal, licence-review, learner-permit, …")
    on: dt.date
    original_due: dt.date = Field(description="The deadline by the regulations")
    deadline: dt.date = Field(description="The deadline after shifts and suspensions (a grace window leaves it)")
    effective_due: dt.date = Field(description="The last day it may be handled / stays valid, given the measures")
    overdue: bool = Field(description="Past the effective deadline (validity kinds: expired; consequences: in effect)")
    past_deadline: bool = Field(description="Past the deadline in force (逾期), even while a grace window carries it")
    in_grace: bool = Field(description="Past the deadline, but a grace window still lets it be handled")
    penalty_allowed: bool
    open_ended: bool = Field(description="A measure carries it until further notice; effective_due is then `on`")
    lapsed: bool = Field(description="Cancellation or compulsory scrapping took effect: it can no longer be handled")
    measures: list[str] = Field(description="Ids of the measures that changed the answer")
    measure_refs: list[str]
    rules: list[str]
    reason_zh: str
    reason_en: str

    @classmethod
    def of(cls, d: Decision) -> DecisionOut:
        return cls(kind=d.kind.value, on=d.on, original_due=d.original_due, deadline=d.deadline,
                   effective_due=d.effective_due, overdue=d.overdue, past_deadline=d.past_deadline, in_grace=d.in_grace,
                   penalty_allowed=d.penalty_allowed, open_ended=d.open_ended, lapsed=d.lapsed,
                   measures=list(d.measures), measure_refs=list(d.measure_refs), rules=list(d.rules),
                   reason_zh=d.reason_zh, reason_en=d.reason_en)


class RecordDeadlinesOut(BaseModel):
    record_type: str = Field(description="licence, vehicle, learner-permit or preselected-plate")
    record_id: int
    label: str
    status: str
    province: str
    on: dt.date
    deadlines: list[DecisionOut]

    @classmethod
    def of(cls, r: RecordDeadlines) -> RecordDeadlinesOut:
        return cls(record_type=r.record_type, record_id=r.record_id, label=r.label, status=r.status,
                   province=r.province, on=r.on, deadlines=[DecisionOut.of(d) for d in r.decisions])


class EnforcementOut(BaseModel):
    record_type: str = Field(description="vehicle or licence")
    record_id: int
    label: str
    status: str
    on: dt.date
    penalty_allowed: bool = Field(description="May a penalty for the overdue state be imposed on `on`?")
    past_deadline: bool = Field(description="Past the deadline in force (逾期) on `on`")
    overdue: bool = Field(description="Past the effective deadline: too late even for a grace window")
    effective_due: dt.date | None
    open_ended: bool = Field(description="A measure carries it until further notice")
    measures: list[str]
    reason_zh: str
    reason_en: str
    checks: list[DecisionOut] = Field(description="Every penalisable deadline considered")

    @classmethod
    def of(cls, a: EnforcementAnswer) -> EnforcementOut:
        return cls(record_type=a.record_type, record_id=a.record_id, label=a.label, status=a.status, on=a.on,
                   penalty_allowed=a.penalty_allowed, past_deadline=a.past_deadline, overdue=a.overdue,
                   effective_due=a.effective_due, open_ended=a.open_ended,
                   measures=list(a.measures), reason_zh=a.reason_zh, reason_en=a.reason_en,
                   checks=[DecisionOut.of(d) for d in a.checks])

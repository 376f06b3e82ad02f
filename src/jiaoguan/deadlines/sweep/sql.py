"""The sweep's SQL: the distinct keys of each subject, and set-based statements over one id range.

Every statement reads one chunk of records (an id range, narrowed to the due dates the run's answers
cover) once, joins it to the run's scratch tables on (province group, subject, due date, key) and so
applies the engine's answers to all matching rows at once. Portable to PostgreSQL and SQLite >= 3.35:
WITH … AS MATERIALIZED, UPDATE … FROM … RETURNING, INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING
(the outbox's unique `dedupe_key` makes a reminder once only, however often the sweep runs).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert, ReturningUpdate

from jiaoguan.accounts.models import Enterprise, User
from jiaoguan.deadlines.rules.kinds import HEAVY_LICENCE_CLASSES, DeadlineKind
from jiaoguan.deadlines.sweep.models import NO_DATE, SweepRegion, SweepTerm
from jiaoguan.deadlines.sweep.plan import KeySpec
from jiaoguan.kit.db import UTCDateTime
from jiaoguan.kit.outbox import BULK, OutboxMessage
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
from jiaoguan.registry.states import SCRAP_AFTER_MISSED_CYCLES

LIC: Table = DrivingLicence.__table__  # type: ignore[assignment]
VEH: Table = Vehicle.__table__  # type: ignore[assignment]
PERMIT: Table = LearnerPermit.__table__  # type: ignore[assignment]
PLATE: Table = PreselectedPlate.__table__  # type: ignore[assignment]
PERSON: Table = Person.__table__  # type: ignore[assignment]
FIRM: Table = Enterprise.__table__  # type: ignore[assignment]
USER: Table = User.__table__  # type: ignore[assignment]
TERM: Table = SweepTerm.__table__  # type: ignore[assignment]
REGION: Table = SweepRegion.__table__  # type: ignore[assignment]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]

LICENCE_SWEPT = ("valid", "expired", "detained")
GONE_VEHICLE = ("scrapped", "cancelled")


@dataclass(frozen=True)
class SubjectTable:
    table: Table
    due: str            # the date column
    statuses: tuple[str, ...] | None   # statuses swept (None: all but GONE_VEHICLE)
    label: DeadlineKind
    template: str
    plate: str | None = None           # the plate column that tells the record apart in the message


SUBJECT_TABLES = {
    "licence": SubjectTable(LIC, "valid_to", LICENCE_SWEPT, DeadlineKind.LICENCE_RENEWAL, "deadline_reminder"),
    "review": SubjectTable(LIC, "review_due", LICENCE_SWEPT, DeadlineKind.LICENCE_REVIEW, "deadline_reminder"),
    "medical": SubjectTable(LIC, "medical_due", LICENCE_SWEPT, DeadlineKind.MEDICAL_CERTIFICATE,
                            "obligation_reminder"),
    "vehicle": SubjectTable(VEH, "inspection_valid_until", None, DeadlineKind.INSPECTION,
                            "plate_deadline_reminder", "plate_no"),
    "insurance": SubjectTable(VEH, "insurance_valid_until", None, DeadlineKind.COMPULSORY_INSURANCE,
                              "plate_deadline_reminder", "plate_no"),
    "permit": SubjectTable(PERMIT, "valid_until", ("valid",), DeadlineKind.LEARNER_PERMIT, "deadline_reminder"),
    "plate": SubjectTable(PLATE, "valid_until", ("held",), DeadlineKind.PRESELECTED_PLATE,
                          "plate_deadline_reminder", "plate_no"),
}
PHASE_TABLES = {"licences": LIC, "vehicles": VEH, "permits": PERMIT, "plates": PLATE}
VEHICLE_SUBJECTS = ("vehicle", "insurance")   # a vehicle's owner may be a person or a company


def _swept(subject: str) -> ColumnElement[bool]:
    st = SUBJECT_TABLES[subject]
    if st.statuses is None:
        return and_(st.table.c.status.not_in(GONE_VEHICLE), st.table.c.missed_cycles < SCRAP_AFTER_MISSED_CYCLES)
    return st.table.c.status.in_(st.statuses)


def key_columns(spec: KeySpec, dialect: str) -> tuple[ColumnElement[str], ColumnElement[dt.date]]:
    """(k_text, k_date) of a record, as `plan.items_for` reads them back."""
    no_date: ColumnElement[dt.date] = literal(NO_DATE, Date)
    if spec.subject in ("licence", "review", "medical"):
        if spec.fine:
            return LIC.c.classes, no_date
        padded = literal(" ") + LIC.c.classes + literal(" ")
        heavy = or_(*(padded.like(f"% {code} %") for code in sorted(HEAVY_LICENCE_CLASSES)))
        return case((heavy, literal("heavy")), else_=literal("other")), no_date
    if spec.subject == "vehicle":
        text = VEH.c.vehicle_type + literal("|") + VEH.c.use_nature + literal("|") + cast(VEH.c.seats, String)
        if spec.fine:
            return text, VEH.c.registration_date
        if dialect == "postgresql":
            return text, cast(func.date_trunc("month", VEH.c.registration_date), Date)
        return text, func.date(VEH.c.registration_date, "start of month", type_=Date)
    if spec.subject == "permit":
        return PERMIT.c.classes, PERMIT.c.issued_on
    if spec.subject == "insurance":
        return literal(""), no_date
    return literal(""), PLATE.c.selected_on


def distinct_keys(spec: KeySpec, dialect: str, horizon: dt.date | None) -> Select[Any]:
    """The distinct keys among the records swept, with a due date up to `horizon` (None: all)."""
    st = SUBJECT_TABLES[spec.subject]
    due = st.table.c[st.due]
    k_text, k_date = key_columns(spec, dialect)
    q = select(due, k_text, k_date).distinct().where(due.is_not(None), _swept(spec.subject))
    return q.where(due <= horizon) if horizon is not None else q


def id_bounds(phase: str) -> Select[Any]:
    table = PHASE_TABLES[phase]
    return select(func.min(table.c.id), func.max(table.c.id))


Span = tuple[dt.date, dt.date]


def _chunk(spec: KeySpec, dialect: str, lo: int, hi: int, due: Span) -> CTE:
    """The records lo..hi of the subject's table whose due date is in `due`, with their keys, read once.

    MATERIALIZED keeps the planner from walking the records by due date once per answer (it cannot
    estimate how many records a key matches); the chunk is small, so any join with the answers is cheap.
    """
    st = SUBJECT_TABLES[spec.subject]
    r = st.table
    k_text, k_date = key_columns(spec, dialect)
    extra = ([r.c.owner_person_id.label("owner"), r.c.owner_enterprise_id, r.c.missed_cycles]
             if spec.subject in VEHICLE_SUBJECTS else [r.c.person_id.label("owner")])
    if st.plate:
        extra.append(r.c[st.plate].label("plate"))
    q = select(r.c.id, r.c[st.due].label("due"), k_text.label("k_text"), k_date.label("k_date"), r.c.province_code,
               r.c.status, *extra).where(r.c.id.between(lo, hi), _swept(spec.subject), r.c[st.due].between(*due))
    return q.cte(f"chunk_{spec.subject}").prefix_with("MATERIALIZED")


def _matched(chunk: CTE, spec: KeySpec, run_id: int) -> ColumnElement[bool]:
    return and_(REGION.c.run_id == run_id, REGION.c.province_code == chunk.c.province_code,
                TERM.c.run_id == run_id, TERM.c.subject == spec.subject, TERM.c.grp == REGION.c.grp,
                TERM.c.due == chunk.c.due, TERM.c.k_text == chunk.c.k_text, TERM.c.k_date == chunk.c.k_date)


def status_updates(spec: KeySpec, dialect: str, run_id: int, lo: int, hi: int,
                   due: Span | None) -> list[tuple[str, ReturningUpdate[Any]]]:
    """(count name, statement) for the subject's state changes in records lo..hi whose due date is in
    `due` (the span of the run's terms that change a state; None: there are none)."""
    if due is None or spec.subject in ("review", "medical", "insurance"):
        return []
    chunk = _chunk(spec, dialect, lo, hi, due)
    table = SUBJECT_TABLES[spec.subject].table
    matched = and_(table.c.id == chunk.c.id, _matched(chunk, spec, run_id))
    if spec.subject == "licence":
        return [
            ("licences_cancelled", update(LIC).where(matched, LIC.c.status.in_(("valid", "expired")),
                                                     TERM.c.consequence).values(status="cancelled")
             .returning(LIC.c.id)),
            ("licences_expired", update(LIC).where(matched, LIC.c.status == "valid", TERM.c.overdue,
                                                   ~TERM.c.consequence).values(status="expired")
             .returning(LIC.c.id)),
        ]
    if spec.subject == "vehicle":
        return [("vehicles_missed_cycles", update(VEH).where(matched, TERM.c.missed > VEH.c.missed_cycles)
                 .values(missed_cycles=TERM.c.missed).returning(VEH.c.id))]
    name = "permits_expired" if spec.subject == "permit" else "plates_expired"
    return [(name, update(table).where(matched, _swept(spec.subject), TERM.c.overdue).values(status="expired")
             .returning(table.c.id))]


OUTBOX_COLUMNS = ("created_at", "channel", "recipient", "template", "params_json", "dedupe_key", "status",
                  "attempts", "next_attempt_at", "province_code", "priority")


def reminder_insert(spec: KeySpec, dialect: str, run_id: int, lo: int, hi: int, now: dt.datetime,
                    due: Span) -> ReturningInsert[Any]:
    """Reminders due today for records lo..hi whose due date is in `due` (the span of the run's reminder
    terms): SMS to the owner's phone, in-app to the owner's account (and for a company's vehicle, its
    contact phone and its agents' accounts)."""
    chunk = _chunk(spec, dialect, lo, hi, due)
    where = (_matched(chunk, spec, run_id), TERM.c.remind_offset.is_not(None))
    parts = [
        _message(spec.subject, chunk, "sms", PERSON.c.phone, now).where(
            *where, PERSON.c.id == chunk.c.owner, PERSON.c.phone.is_not(None)),
        _message(spec.subject, chunk, "inapp", cast(USER.c.id, String), now).where(
            *where, USER.c.person_id == chunk.c.owner, USER.c.is_active),
    ]
    if spec.subject in VEHICLE_SUBJECTS:
        parts += [
            _message(spec.subject, chunk, "sms", FIRM.c.contact_phone, now).where(
                *where, FIRM.c.id == chunk.c.owner_enterprise_id, FIRM.c.contact_phone.is_not(None)),
            _message(spec.subject, chunk, "inapp", cast(USER.c.id, String), now).where(
                *where, USER.c.enterprise_id == chunk.c.owner_enterprise_id, USER.c.role == "enterprise_agent",
                USER.c.is_active),
        ]
    insert = postgresql.insert(OUTBOX) if dialect == "postgresql" else sqlite.insert(OUTBOX)
    return (insert.from_select(list(OUTBOX_COLUMNS), union_all(*parts)).on_conflict_do_nothing()
            .returning(OUTBOX.c.id))


def _message(subject: str, chunk: CTE, channel: str, recipient: ColumnElement[str],
             now: dt.datetime) -> Select[tuple[object]]:
    st = SUBJECT_TABLES[subject]
    due = cast(TERM.c.effective_due, String)
    # JSON written in SQL; the kind's name goes as its msgid, which notify translates for each reader.
    params = (literal('{"days": ') + cast(TERM.c.days_left, String) + literal(', "due": "') + due
              + literal(f'", "what_msgid": {json.dumps(st.label.label)}'))
    if st.plate:
        params = params + literal(', "plate": "') + chunk.c.plate + literal('"')
    params = params + literal("}")
    dedupe = (literal(f"dl:{subject}:") + cast(chunk.c.id, String) + literal(":") + due + literal(":")
              + cast(TERM.c.remind_offset, String) + literal(f":{channel}:") + recipient)
    stamp = literal(now, UTCDateTime())
    return select(stamp, literal(channel), recipient, literal(st.template), params, dedupe, literal("pending"),
                  literal(0), stamp, chunk.c.province_code, literal(BULK))


def _joined(spec: KeySpec, dialect: str, run_id: int) -> ColumnElement[bool]:
    st = SUBJECT_TABLES[spec.subject]
    k_text, k_date = key_columns(spec, dialect)
    return and_(REGION.c.run_id == run_id, REGION.c.province_code == st.table.c.province_code,
                TERM.c.run_id == run_id, TERM.c.subject == spec.subject, TERM.c.grp == REGION.c.grp,
                TERM.c.due == st.table.c[st.due], TERM.c.k_text == k_text, TERM.c.k_date == k_date)


def affected(spec: KeySpec, dialect: str, run_id: int) -> Select[Any]:
    """("ref|kind", province, records, waived) for every measure and kind whose answer changes for the subject's
    records (counting terms, see `plan.affecting_terms`); `waived`: those of them whose penalty it waives."""
    st = SUBJECT_TABLES[spec.subject]
    province = st.table.c.province_code
    record = st.table.c.id
    return (select(TERM.c.measures, province, func.count(func.distinct(record)),
                   func.count(func.distinct(case((TERM.c.waived, record)))))
            .where(_swept(spec.subject), _joined(spec, dialect, run_id)).group_by(TERM.c.measures, province))

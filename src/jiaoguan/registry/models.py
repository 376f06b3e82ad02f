"""The registry: persons, driving licences, vehicles, learner permits, preselected plates.

Enterprises (a vehicle's owner may be one) belong to the accounts room: `accounts.enterprises`.

Every large table carries `province_code` (first two digits of GB/T 2260), the natural key for
partitioning on PostgreSQL and, later, for distribution.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Person(Base):
    __tablename__ = "person"
    # The staff's search by name (exact or prefix, within a province): `ix_person_province_name`, below the class.
    # Mobile numbers: `phone`'s index.

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    id_doc_type: Mapped[str] = mapped_column(String(16), default="resident_id")
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    sex: Mapped[str] = mapped_column(String(1))  # M | F, from the ID number
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    address_division: Mapped[str] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(2), index=True)


# The search's filter and its order in one index (migration 0220): `province = ? AND name LIKE 'prefix%' ORDER BY
# name, id LIMIT 21`, names compared byte by byte (`kit.db.bytewise`), reads the first 21 entries of the prefix's
# range, however many people share it. On PostgreSQL the name is indexed COLLATE "C" (written where an operator
# class goes, which is where the index element's COLLATE stands; reflection does not report it); SQLite's default
# collation is already byte order.
Index("ix_person_province_name", Person.province_code, Person.name, Person.id,
      postgresql_ops={"name": 'COLLATE "C"'})
# The same search by a user with no province (a national supervisor, an admin): migration 0230.
Index("ix_person_name", Person.name, Person.id, postgresql_ops={"name": 'COLLATE "C"'})


class DrivingLicence(Base):
    """驾驶证. The licence number equals the holder's ID number; `file_no` (档案编号) is the key."""

    __tablename__ = "driving_licence"
    __table_args__ = (Index("ix_licence_valid_to", "valid_to"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    file_no: Mapped[str] = mapped_column(String(12), unique=True)
    classes: Mapped[str] = mapped_column(String(40))  # space-separated class codes, e.g. "A2 D"
    first_issued: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)  # None: long-term (长期)
    period_years: Mapped[int | None] = mapped_column(Integer)  # 6 | 10 | None for long-term
    status: Mapped[str] = mapped_column(String(16), default="valid")
    cycle_start: Mapped[dt.date] = mapped_column(Date)  # scoring cycle (记分周期) start
    points: Mapped[int] = mapped_column(Integer, default=0)
    review_due: Mapped[dt.date | None] = mapped_column(Date)
    medical_due: Mapped[dt.date | None] = mapped_column(Date)
    # The rule that set `medical_due`: None for the regulations' own (art 74), "RONGQUE" for a 容缺 obligation.
    medical_due_rule: Mapped[str | None] = mapped_column(String(12))
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class Vehicle(Base):
    __tablename__ = "vehicle"
    __table_args__ = (
        UniqueConstraint("plate_type", "plate_no"),
        Index("ix_vehicle_inspection", "inspection_valid_until"),
        # An enterprise's fleet page, in the order it shows it (issue 13.5): read in index order, never sorted.
        Index("ix_vehicle_fleet", "owner_enterprise_id", "inspection_valid_until", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate_no: Mapped[str] = mapped_column(String(12), index=True)
    plate_type: Mapped[str] = mapped_column(String(2))  # GA 24.7 code
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    owner_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    use_nature: Mapped[str] = mapped_column(String(24))  # 使用性质: non_operating | operating_passenger | freight …
    vehicle_type: Mapped[str] = mapped_column(String(24))  # small_car | large_bus | heavy_truck | tractor | …
    seats: Mapped[int] = mapped_column(Integer, default=5)
    registration_date: Mapped[dt.date] = mapped_column(Date)
    inspection_valid_until: Mapped[dt.date] = mapped_column(Date)
    insurance_valid_until: Mapped[dt.date] = mapped_column(Date)
    missed_cycles: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="normal")
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class LearnerPermit(Base):
    """学习驾驶证明: valid three years from issue (Decree 162 art 41)."""

    __tablename__ = "learner_permit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    classes: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class PreselectedPlate(Base):
    """预选号牌号码: a number held for a VIN until it is registered or the hold runs out."""

    __tablename__ = "preselected_plate"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    plate_no: Mapped[str] = mapped_column(String(12))
    plate_type: Mapped[str] = mapped_column(String(2))
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    selected_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="held")
    province_code: Mapped[str] = mapped_column(String(2), index=True)


# --- what businesses change (issue 11): documents, deferrals, temporary plates, violations, 容缺 -----

class RegistryDocument(Base):
    """A document issued on a record: the licence card, the electronic licence, a plate pair, the 行驶证,
    the inspection sticker (paper or electronic), the learner-permit proof. A replacement voids the one it
    replaces (遗失补证, 损毁换证, 补换领): only one of a kind is valid per record at a time."""

    __tablename__ = "registry_document"
    __table_args__ = (Index("ix_registry_document_subject", "subject_type", "subject_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))   # licence | vehicle | learner-permit
    subject_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))   # licence_card | e_licence | plate | vehicle_licence | sticker …
    serial: Mapped[int] = mapped_column(Integer, default=1)   # 1 for the first, +1 per replacement
    reason: Mapped[str] = mapped_column(String(24))           # issue | renewal | lost | damaged | downgrade …
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="valid")   # valid | void
    voided_on: Mapped[dt.date | None] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class Deferral(Base):
    """延期换证 / 延期审验 / 延期提交身体条件证明 (Decree 162 art 75): no driving until the matter is done."""

    __tablename__ = "licence_deferral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("driving_licence.id"), index=True)
    matter: Mapped[str] = mapped_column(String(16))     # renewal | review | medical
    original_due: Mapped[dt.date] = mapped_column(Date)
    deferred_until: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(24))     # military | abroad | other
    opened_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="active")   # active | ended
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class TemporaryPlate(Base):
    """临时行驶车号牌: ≤ 30 days (15 while plates are remade), ≤ 3 per vehicle, never beyond 交强险."""

    __tablename__ = "temporary_plate"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vin: Mapped[str] = mapped_column(String(17), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    plate_no: Mapped[str] = mapped_column(String(12), unique=True)
    reason: Mapped[str] = mapped_column(String(16))     # unregistered | replacement
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    insurance_valid_until: Mapped[dt.date] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class Violation(Base):
    """A traffic violation (交通违法). A camera record (电子监控) is `recorded` until the driver confirms it
    (违法处理: `handled`, the points go to the driver's scoring cycle, the fine is decided); then `paid`."""

    __tablename__ = "violation"
    __table_args__ = (Index("ix_violation_vehicle_status", "vehicle_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)   # the driver, once known
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("driving_licence.id"), index=True)
    source: Mapped[str] = mapped_column(String(8))          # camera | onsite
    code: Mapped[str] = mapped_column(String(8))            # 违法代码
    place: Mapped[str] = mapped_column(String(80))
    occurred_at: Mapped[dt.datetime]
    points: Mapped[int] = mapped_column(Integer)
    fine_yuan: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="recorded")   # recorded | handled | paid
    decision_no: Mapped[str | None] = mapped_column(String(24), unique=True)   # 处罚决定书编号
    handled_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class PointEntry(Base):
    """One line of a licence's scoring-cycle ledger: + points of a violation, − points of a passed study."""

    __tablename__ = "point_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("driving_licence.id"), index=True)
    cycle_start: Mapped[dt.date] = mapped_column(Date)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(12))     # violation | study
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation.id"))
    entered_on: Mapped[dt.date] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(2))


class FinePayment(Base):
    """A fine paid through a payment provider (缴纳罚款); `confirmed` when the provider says so."""

    __tablename__ = "fine_payment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    violation_id: Mapped[int] = mapped_column(ForeignKey("violation.id"), index=True)
    amount_yuan: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")   # pending | confirmed | failed
    created_at: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    province_code: Mapped[str] = mapped_column(String(2))


class Obligation(Base):
    """容缺办 (issue 11.5): the licence was renewed without the medical certificate, which is now owed.

    `open` until the certificate is handed in (`closed`); past `due` the reminder job marks it `overdue`
    and the configured consequence applies (new business blocked, a supervisor told)."""

    __tablename__ = "obligation"
    __table_args__ = (Index("ix_obligation_status_due", "status", "due"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("driving_licence.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="medical_certificate")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date)
    due_source: Mapped[str] = mapped_column(String(40))   # "measure:<id>@<version>" | "default"
    status: Mapped[str] = mapped_column(String(8), default="open")   # open | overdue | closed
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    overdue_on: Mapped[dt.date | None] = mapped_column(Date)   # the day the reminder job found it overdue
    reminded_on: Mapped[dt.date | None] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(2), index=True)

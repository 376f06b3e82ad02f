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

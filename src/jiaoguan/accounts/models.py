"""Users, the enterprises they act for, offices, sessions, device tokens and sign-in throttling."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Office(Base):
    """A 车管所 / 交警 office; staff belong to one, and halls hang off it."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    division_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class Enterprise(Base):
    """An enterprise identified by its unified social credit code (统一社会信用代码)."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address_division: Mapped[str] = mapped_column(String(6))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(2), index=True)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), unique=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    province_code: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class UserSession(Base):
    """A browser session. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    """A bearer token for a device (e.g. a checkpoint scanner), acting as its user."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SignInThrottle(Base):
    """Sign-in attempts per key (user name, phone, client address), counted atomically: drives the back-off."""

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime]


class OneTimeCode(Base):
    """An SMS sign-in code; stored hashed, single use, short-lived, a few guesses; a new one voids the earlier."""

    __tablename__ = "one_time_code"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

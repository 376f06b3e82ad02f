"""What the channels deliver into: the development SMS log and the in-app inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base


class DevSms(Base):
    """SMS 'sent' by the development channel, shown to admins instead of reaching a phone.

    `outbox_id` is unique: delivering the same outbox row twice cannot send twice.
    """

    __tablename__ = "dev_sms"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime]


class InAppMessage(Base):
    __tablename__ = "inapp_message"
    # A reader's inbox, newest first (issue 13.5): every sweep adds reminders for every user.
    __table_args__ = (Index("ix_inapp_message_inbox", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))   # as rendered in Chinese when delivered
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(80))   # to show it again in the reader's language
    params_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None]

"""JSON shapes of the business API (requests in, responses out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from jiaoguan.business.catalogue import BusinessSpec
from jiaoguan.business.models import BusinessApplication, BusinessDocument, BusinessProxy
from jiaoguan.business.register import CheckOutcome
from jiaoguan.business.service_request_schemas import ServiceRequestOut
from jiaoguan.business.snapshot import notice_of, spec_of_application, stops_of
from jiaoguan.business.states import LABELS
from jiaoguan.kit.i18n import current_locale, gettext, translate


class MaterialOut(BaseModel):
    code: str
    name: str
    required: bool
    original: bool
    later_allowed: bool


class SwitchOut(BaseModel):
    online: bool
    rongque: bool


class CatalogueEntry(BaseModel):
    """A catalogue entry's fields as the API names them once: read (`BusinessOut`) and written (`BusinessIn`)."""

    number: int
    name_zh: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    group: str
    channels: list[str]
    checks: list[str] = []
    sla_working_days: int
    identity_level: str
    proxy_allowed: bool
    subject: str
    workflow: str = "standard"
    handling: str = "review"


class BusinessOut(CatalogueEntry):
    code: str
    name: str
    materials: list[MaterialOut]
    provinces: dict[str, SwitchOut]
    offered_online_here: bool | None = None
    rongque_here: bool | None = None

    @classmethod
    def of(cls, spec: BusinessSpec, province: str | None = None) -> BusinessOut:
        locale = current_locale()
        data = spec.to_json()
        data["materials"] = [MaterialOut(code=m.code, name=m.name(locale), required=m.required, original=m.original,
                                         later_allowed=m.later_allowed) for m in spec.materials]
        return cls(name=spec.title(locale), offered_online_here=spec.offered_online(province) if province else None,
                   rongque_here=spec.rongque_allowed(province) if province else None, **data)


class BusinessIn(CatalogueEntry):
    """The whole entry, as in the JSON catalogue file (the editor saves it after the import's validation)."""

    materials: list[dict[str, Any]]
    provinces: dict[str, dict[str, bool]] = {"*": {"online": True, "rongque": False}}


class CheckOut(BaseModel):
    name: str
    ok: bool
    checked: bool
    rule: str
    article: str
    remedy: str

    @classmethod
    def of(cls, o: CheckOutcome) -> CheckOut:
        params = o.params or {}
        return cls(name=o.name, ok=o.ok, checked=o.checked, rule=gettext(o.rule_msgid, **params),
                   article=o.article, remedy=gettext(o.remedy_msgid, **params) if o.remedy_msgid else "")


class EligibilityOut(BaseModel):
    business: str
    qualifies: bool
    checks: list[CheckOut]
    materials: list[MaterialOut]


class ImportOut(BaseModel):
    added: int
    updated: int
    removed: int


class ApplicationIn(BaseModel):
    business: str = Field(max_length=40)
    plate: str | None = Field(default=None, max_length=20)
    answers: dict[str, str] = {}
    later: list[str] = Field(default=[], description="materials handed in later (容缺), where allowed")
    emergency: bool = False
    emergency_reason: str = Field(default="", max_length=200)
    on_behalf_of: int | None = Field(default=None, description="the user id of the person who authorised you")
    delivery_method: str = Field(default="none", pattern="^(none|post|collect)$")
    delivery_address: str = Field(default="", max_length=200)
    submit: bool = Field(default=False, description="submit at once (materials may follow: 一次告知 lists them)")


class VersionIn(BaseModel):
    version: int


class ActionIn(BaseModel):
    version: int
    note: str = Field(default="", max_length=2000)
    carrier: str = Field(default="", max_length=40)
    tracking: str = Field(default="", max_length=40)


class FaceCheckIn(BaseModel):
    evidence: str = Field(max_length=200)


class AssignIn(BaseModel):
    username: str | None = Field(default=None, max_length=64)


class NoticeItemOut(BaseModel):
    kind: str
    code: str
    text: str


class DocumentOut(BaseModel):
    id: int
    material: str
    media_type: str
    size: int
    filename: str
    sha256: str
    created_at: dt.datetime

    @classmethod
    def of(cls, d: BusinessDocument) -> DocumentOut:
        return cls(id=d.id, material=d.material_code, media_type=d.media_type, size=d.size, filename=d.filename,
                   sha256=d.sha256, created_at=d.created_at)


class ApplicationOut(BaseModel):
    id: int
    version: int
    business: str
    business_name: str
    workflow: str
    status: str
    status_label: str
    province: str
    by_proxy: bool
    emergency: bool
    key_pass_no: str | None
    priority: int
    assignee_user_id: int | None
    owner_locked: bool
    in_person: bool
    identity_level: str
    identity_status: str
    later_materials: list[str]
    subject_ref: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    sla_working_days: int
    sla_due: dt.date | None
    clock_stopped: bool
    sla_kept: bool | None
    notice: list[NoticeItemOut]
    delivery_method: str
    delivery_carrier: str
    delivery_tracking: str
    delivery_status: str
    effect: dict[str, Any] | None
    documents: list[DocumentOut] = []

    @classmethod
    def of(cls, app: BusinessApplication, docs: list[BusinessDocument] | None = None) -> ApplicationOut:
        import json

        locale = current_locale()
        spec = spec_of_application(app)
        items = notice_of(app)
        return cls(
            id=app.id, version=app.version, business=app.business_code, business_name=spec.title(locale),
            workflow=app.workflow, status=app.status, status_label=translate(LABELS[app.status]),
            province=app.province_code, by_proxy=app.proxy_user_id is not None, emergency=app.emergency,
            key_pass_no=app.key_pass_no, priority=app.priority, assignee_user_id=app.assignee_user_id,
            owner_locked=app.owner_locked, in_person=app.in_person, identity_level=app.identity_level,
            identity_status=app.identity_status, later_materials=app.later_materials.split(),
            subject_ref=app.subject_ref, submitted_at=app.submitted_at, accepted_on=app.accepted_on,
            sla_working_days=app.sla_days, sla_due=app.sla_due,
            clock_stopped=any(e is None for _, e in stops_of(app)), sla_kept=app.sla_kept,
            notice=[NoticeItemOut(kind=i.kind, code=i.code, text=i.line(locale)) for i in items],
            delivery_method=app.delivery_method, delivery_carrier=app.delivery_carrier,
            delivery_tracking=app.delivery_tracking, delivery_status=app.delivery_status,
            effect=json.loads(app.effect_json) if app.effect_json else None,
            documents=[DocumentOut.of(d) for d in docs or []])


class InboxOut(BaseModel):
    counts: dict[str, int]
    items: list[ApplicationOut]
    service_requests: list[ServiceRequestOut] = []  # 特事特办: called after the emergencies among `items`
    next: str | None = None  # the cursor of the next page (`after=`), or None on the last page


class ProxyIn(BaseModel):
    proxy_username: str = Field(max_length=64)
    relation: str = Field(max_length=24)
    businesses: list[str]
    expires_on: dt.date
    consent: bool


class ProxyOut(BaseModel):
    id: int
    principal_user_id: int
    proxy_user_id: int
    relation: str
    businesses: list[str]
    consent_text: str
    consented_at: dt.datetime
    expires_on: dt.date
    revoked: bool

    @classmethod
    def of(cls, p: BusinessProxy) -> ProxyOut:
        return cls(id=p.id, principal_user_id=p.principal_user_id, proxy_user_id=p.proxy_user_id,
                   relation=p.relation, businesses=p.businesses.split(), consent_text=p.consent_text,
                   consented_at=p.consented_at, expires_on=p.expires_on, revoked=p.revoked_at is not None)


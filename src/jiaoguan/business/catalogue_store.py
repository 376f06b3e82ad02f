"""The catalogue in the database: seeded from the shipped file, edited by the administrator, exported and
imported whole (JSON or CSV). Every change is audited with the actor."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.business.catalogue import BusinessSpec, Material, Switch, parse_business, shipped_catalogue
from jiaoguan.business.models import BusinessType
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import current_actor
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_


class BusinessUnknown(NotFound):
    code = "business.unknown_business"
    message = N_("No such business in the catalogue.")


def spec_of(row: BusinessType) -> BusinessSpec:
    return BusinessSpec(
        row.number, row.code, row.name_zh, row.name_en, row.group_code, tuple(row.channels.split()),
        tuple(Material(**m) for m in json.loads(row.materials_json)), tuple(json.loads(row.checks or "[]")),
        row.sla_working_days, row.identity_level, row.proxy_allowed, row.subject, row.workflow, row.handling,
        {k: Switch(**v) for k, v in json.loads(row.provinces_json).items()})


def _fill(row: BusinessType, spec: BusinessSpec) -> None:
    data = spec.to_json()
    row.number, row.name_zh, row.name_en, row.group_code = spec.number, spec.name_zh, spec.name_en, spec.group
    row.channels, row.checks = " ".join(spec.channels), json.dumps(list(spec.checks), ensure_ascii=False)
    row.materials_json = json.dumps(data["materials"], ensure_ascii=False)
    row.provinces_json = json.dumps(data["provinces"], ensure_ascii=False)
    row.sla_working_days, row.identity_level, row.proxy_allowed = spec.sla_working_days, spec.identity_level, \
        spec.proxy_allowed
    row.subject, row.workflow, row.handling = spec.subject, spec.workflow, spec.handling
    row.updated_at, row.updated_by = utc_now(), current_actor().label
    # In the UPDATE itself, after the row lock: two editors racing on one entry make two revisions, not one.
    row.revision = 1 if row.revision is None else BusinessType.revision + 1  # type: ignore[assignment]


@dataclass(frozen=True)
class Catalogue:
    """The parsed catalogue as one process keeps it (shared between requests: never change what it holds)."""

    specs: tuple[BusinessSpec, ...]       # in catalogue order
    by_code: dict[str, BusinessSpec]
    definitions: dict[str, str]           # code -> the JSON text an application pins (`definition_json`)


# Parsing 34 entries (their materials and provinces JSON) on every request is the most of a page's work that is not
# the page's own. The parsed catalogue is kept per process and checked once per transaction against a stamp read
# from the table — every row's code, number, `revision` and `updated_at`, which every change through this module
# sets — so an edit made through another process is seen by that process's next request, whatever order edits
# commit in (`revision` is bumped in the UPDATE itself: two racing edits of one entry make two revisions).
_lock = threading.Lock()
_cached: tuple[tuple[object, ...], Catalogue] | None = None
_SESSION_KEY = "jiaoguan.business.catalogue"


def catalogue(session: Session) -> Catalogue:
    global _cached
    known = session.info.get(_SESSION_KEY)
    if known is not None and known[0] is session.get_transaction():
        return known[1]  # type: ignore[no-any-return]
    stamp = tuple(session.execute(select(BusinessType.code, BusinessType.number, BusinessType.revision,
                                         BusinessType.updated_at).order_by(BusinessType.code)).all())
    with _lock:
        found = _cached[1] if _cached is not None and _cached[0] == stamp else None
    if found is None:
        specs = tuple(spec_of(r) for r in session.execute(select(BusinessType).order_by(BusinessType.number))
                      .scalars())
        found = Catalogue(specs, {s.code: s for s in specs},
                          {s.code: json.dumps(s.to_json(), ensure_ascii=False) for s in specs})
        with _lock:
            _cached = (stamp, found)
    session.info[_SESSION_KEY] = (session.get_transaction(), found)
    return found


def _changed(session: Session) -> None:
    """This transaction changed the catalogue: its next read goes to the table (other transactions see the new
    stamp once this one commits)."""
    session.info.pop(_SESSION_KEY, None)


def all_specs(session: Session) -> list[BusinessSpec]:
    return list(catalogue(session).specs)


def get_spec(session: Session, code: str) -> BusinessSpec:
    spec = catalogue(session).by_code.get(code)
    if spec is None:
        raise BusinessUnknown()
    return spec


def pinned(session: Session, code: str) -> tuple[BusinessSpec, str]:
    """The entry and the JSON text an application made now pins (its `definition_json`)."""
    spec = get_spec(session, code)
    return spec, catalogue(session).definitions[code]


def save_specs(session: Session, specs: list[BusinessSpec], *, replace: bool = False) -> dict[str, int]:
    """Insert or update each business; with `replace`, those not in the list are removed. Audited once."""
    _changed(session)
    existing = {r.code: r for r in session.execute(select(BusinessType)).scalars()}
    added = updated = removed = 0
    # numbers are unique: free them first so two businesses may swap numbers in one import
    for row in existing.values():
        row.number = -row.number if row.number > 0 else row.number
    session.flush()
    for spec in specs:
        found = existing.get(spec.code)
        if found is None:
            found = BusinessType(code=spec.code)
            session.add(found)
            added += 1
        else:
            updated += 1
        _fill(found, spec)
    keep = {s.code for s in specs}
    for code, row in existing.items():
        if code in keep:
            continue
        if replace:
            session.delete(row)
            removed += 1
        else:
            row.number = -row.number
    session.flush()
    audit.record(session, "business.catalogue.import", "business_type", "-",
                 f"{added} added, {updated} updated, {removed} removed")
    return {"added": added, "updated": updated, "removed": removed}


def seed(session: Session) -> dict[str, int]:
    """Load the shipped catalogue into an empty table (a table already filled is left as the admin made it)."""
    if session.execute(select(BusinessType.code).limit(1)).first() is not None:
        return {"added": 0, "updated": 0, "removed": 0}
    return save_specs(session, shipped_catalogue())


def update_business(session: Session, code: str, raw: dict[str, object]) -> BusinessSpec:
    """The admin editor: the whole entry as JSON-shaped data, validated like an import (CatalogueInvalid)."""
    from jiaoguan.business.catalogue import CatalogueInvalid, Problem

    row = session.get(BusinessType, code)
    if row is None:
        raise BusinessUnknown()
    problems: list[Problem] = []
    spec = parse_business({**raw, "code": code}, 1, problems)
    # The parsed number, an int: the form sends text, and PostgreSQL will not compare an integer with it.
    clash = spec is not None and session.execute(select(BusinessType.code).where(
        BusinessType.number == spec.number, BusinessType.code != code)).first()
    if clash:
        problems.append(Problem(1, "number", N_("The number %(value)s is used twice."), {"value": raw.get("number")}))
    if problems or spec is None:
        raise CatalogueInvalid(problems)
    _fill(row, spec)
    _changed(session)
    session.flush()
    audit.record(session, "business.catalogue.edit", "business_type", code, f"SLA {spec.sla_working_days}, "
                 f"channels {' '.join(spec.channels)}")
    return spec

"""What an application keeps of its moment (a snapshot read back): the catalogue entry and workflow it started
on, its SLA clock stops, its last 一次告知 and its answers. A changed catalogue never changes these."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from jiaoguan.business import notice as notices
from jiaoguan.business import sla
from jiaoguan.business.catalogue import BusinessSpec, Material, Switch
from jiaoguan.business.models import BusinessApplication
from jiaoguan.business.states import Workflow, workflow


def _json(value: str, default: Any) -> Any:
    try:
        return json.loads(value) if value else default
    except ValueError:
        return default
def spec_of_application(app: BusinessApplication) -> BusinessSpec:
    """The catalogue entry as it was when the application was made."""
    return _pinned_spec(app.definition_json)


@lru_cache(maxsize=256)
def _pinned_spec(definition_json: str) -> BusinessSpec:
    # Applications made on the same catalogue entry pin the same text: parsed once per process, not per call
    # (a submission asks three times). BusinessSpec is frozen; nobody changes what is shared.
    d = _json(definition_json, {})
    return BusinessSpec(d["number"], d["code"], d["name_zh"], d["name_en"], d["group"], tuple(d["channels"]),
                        tuple(Material(**m) for m in d["materials"]), tuple(d["checks"]), d["sla_working_days"],
                        d["identity_level"], d["proxy_allowed"], d["subject"], d["workflow"], d["handling"],
                        {k: Switch(**v) for k, v in d["provinces"].items()})
def stops_of(app: BusinessApplication) -> list[sla.Stop]:
    return [(dt.date.fromisoformat(s), dt.date.fromisoformat(e) if e else None)
            for s, e in _json(app.clock_stops_json, [])]
def notice_of(app: BusinessApplication) -> list[notices.NoticeItem]:
    return [notices.NoticeItem.of(i) for i in _json(app.notice_json, [])]
def answers_of(app: BusinessApplication) -> dict[str, Any]:
    value: dict[str, Any] = _json(app.answers_json, {})
    return value
def flow_of(app: BusinessApplication) -> Workflow:
    return workflow(app.workflow)

"""Reading temporary measures from JSON, with validation that names the bad field.

A file holds one measure object or an array of them:

    {"id": "MPS-2022-04-21", "version": 1, "supersedes": null,
     "title": {"zh": "…", "en": "…"},
     "announced": "2022-04-21", "effective_from": "2022-04-21", "effective_to": "2022-07-31",
     "region": "national" | ["14", …],
     "provisions": [{"classes": ["inspection", …], "mode": "grace_window" | "shift" | "shift_if_due_in_window",
                     "months": 3 | "end_date": "2022-07-31" | "until_further_notice": true,
                     "due_from": …, "due_to": …, "issued_by": "2022-04-21",
                     "penalty_waiver": true, "staged_end": {"heavy": "2020-07-31"}, "condition": {CertLogic},
                     "text": "the notice's words for this item"}],
     "suspends": [{"consequences": ["licence-cancellation", "compulsory-scrapping"],
                   "from": "2022-04-21", "resume_on": "2022-11-01" | "until_further_notice": true}],
     "notes": "…", "sources": ["…"]}

Semantics are described in `model.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jiaoguan.deadlines.measures.model import ONE_DAY, Measure, Mode, Provision, Suspension, Title
from jiaoguan.deadlines.rules.kinds import DeadlineKind, Nature, VehicleClass
from jiaoguan.kit.calendar import add_months
from jiaoguan.kit.certlogic import validate as validate_certlogic
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids.divisions import PROVINCES

_TOP = {"id", "version", "supersedes", "title", "announced", "effective_from", "effective_to", "region",
        "provisions", "suspends", "notes", "sources"}
_PROVISION = {"classes", "mode", "months", "end_date", "until_further_notice", "due_from", "due_to", "issued_by",
              "penalty_waiver", "staged_end", "condition", "text", "notes"}
_SUSPENSION = {"consequences", "from", "resume_on", "until_further_notice", "text", "notes"}
_ID = re.compile(r"^[^\s@]{1,80}$")
_REF = re.compile(r"^[^\s@]{1,80}(@[1-9][0-9]*)?$")
NOT_BEFORE_START = N_("must not be before effective_from")


class MeasureError(InvalidInput):
    code = "deadlines.invalid_measure"
    message = N_("%(where)s: %(problem)s.")

    def __init__(self, where: str, problem: str, **params: Any) -> None:
        """`problem` is an English msgid (with its own `params`), translated with the message."""
        super().__init__(where=where, problem=problem % params if params else problem, field=where)
        self.problem, self.problem_params = problem, params

    def text(self, locale: str | None = None) -> str:
        return translate(self.message, locale, where=self.params["where"],
                         problem=translate(self.problem, locale, **self.problem_params))


def parse_measure(doc: Any, where: str = "measure") -> Measure:
    obj = _object(doc, where, _TOP)
    ident = _text(obj, "id", where)
    if not _ID.match(ident):
        raise MeasureError(f"{where}.id", N_("must be 1-80 characters without spaces or '@'"))
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise MeasureError(f"{where}.version", N_("must be a whole number from 1 up"))
    title = _object(obj.get("title"), f"{where}.title", {"zh", "en"})
    start = _date(obj, "effective_from", where, required=True)
    end = _date(obj, "effective_to", where)
    assert start is not None
    if end is not None and end < start:
        raise MeasureError(f"{where}.effective_to", NOT_BEFORE_START)
    provisions_doc = _list(obj, "provisions", where)
    suspends_doc = _list(obj, "suspends", where)
    if not provisions_doc and not suspends_doc:
        raise MeasureError(f"{where}.provisions", N_("a measure needs at least one provision or suspension"))
    provisions = [_provision(p, f"{where}.provisions[{i}]", i, start, end)
                  for i, p in enumerate(provisions_doc)]
    suspensions = [_suspension(s, f"{where}.suspends[{i}]", start) for i, s in enumerate(suspends_doc)]
    provisions += [_held(s, len(provisions) + i, start) for i, s in enumerate(suspensions)]
    announced = _date(obj, "announced", where, required=True)
    assert announced is not None
    return Measure(
        id=ident, version=version,
        title=Title(zh=_text(title, "zh", f"{where}.title"), en=_text(title, "en", f"{where}.title")),
        announced=announced, effective_from=start, effective_to=end,
        region=_region(obj.get("region"), f"{where}.region"),
        provisions=tuple(provisions), suspensions=tuple(suspensions),
        supersedes=_supersedes(obj.get("supersedes"), f"{where}.supersedes"),
        notes=_optional_text(obj, "notes", where), source=obj,
    )


def parse_measures(doc: Any, where: str = "measures") -> list[Measure]:
    """One measure object or a non-empty array of them; (id, version) must be unique."""
    if doc == []:
        raise MeasureError(where, N_("holds no measure: give one measure object or a list of them"))
    items = doc if isinstance(doc, list) else [doc]
    found = [parse_measure(d, f"{where}[{i}]" if isinstance(doc, list) else where) for i, d in enumerate(items)]
    _check_unique(found, where)
    return found


def read_measure_file(path: Path | str) -> Any:
    """The JSON document of a measure file; an unreadable file, not UTF-8 or not JSON, is a `MeasureError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise MeasureError(str(p), N_("cannot be read (%(reason)s)"), reason=exc.strerror or exc) from exc
    except UnicodeDecodeError as exc:
        raise MeasureError(p.name, N_("is not UTF-8 text (byte %(byte)s)"), byte=exc.start) from exc
    return _json(text, p.name)


def load_measures(paths: Iterable[Path | str]) -> list[Measure]:
    found: list[Measure] = []
    for path in paths:
        found.extend(parse_measures(read_measure_file(path), Path(path).name))
    _check_unique(found, "measures")
    return found


def shipped_documents() -> Iterator[tuple[str, Any]]:
    """(file name, JSON document) of every measure file shipped in `deadlines/data/measure_*.json`."""
    folder = resources.files("jiaoguan.deadlines") / "data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("measure_") and entry.name.endswith(".json"):
            yield entry.name, _json(entry.read_text("utf-8"), entry.name)


@cache
def shipped_measures() -> tuple[Measure, ...]:
    """The measures shipped with the product (the CLI's default)."""
    found = [m for name, doc in shipped_documents() for m in parse_measures(doc, name)]
    _check_unique(found, "shipped measures")
    return tuple(found)


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MeasureError(where, N_("not valid JSON (line %(line)s, column %(column)s: %(reason)s)"),
                           line=exc.lineno, column=exc.colno, reason=exc.msg) from exc


def _check_unique(measures: list[Measure], where: str) -> None:
    seen: set[str] = set()
    for m in measures:
        if m.ref in seen:
            raise MeasureError(where, N_("%(ref)s appears twice; a changed measure needs a new version"), ref=m.ref)
        seen.add(m.ref)


def _provision(doc: Any, where: str, index: int, start: dt.date, end: dt.date | None) -> Provision:
    obj = _object(doc, where, _PROVISION)
    classes = _kinds(obj.get("classes"), f"{where}.classes")
    mode_text = obj.get("mode")
    if mode_text not in {m.value for m in Mode}:
        raise MeasureError(f"{where}.mode", N_("must be one of %(values)s"), values=", ".join(m.value for m in Mode))
    mode = Mode(mode_text)
    months, end_date = obj.get("months"), _date(obj, "end_date", where)
    open_ended = _flag(obj, "until_further_notice", where)
    if sum((months is not None, end_date is not None, open_ended)) != 1:
        raise MeasureError(f"{where}.months", N_("give one of months, end_date or until_further_notice: true"))
    if open_ended and obj.get("staged_end") is not None:
        raise MeasureError(f"{where}.staged_end", N_("a provision until further notice has no end dates to stage"))
    if months is not None and (isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120):
        raise MeasureError(f"{where}.months", N_("must be a whole number of months from 1 to 120"))
    if mode is Mode.GRACE_WINDOW and months is not None:
        end_date = add_months(start, months)    # a grace of N months runs from the measure's start
    if end_date is not None and end_date < start:
        raise MeasureError(f"{where}.end_date", NOT_BEFORE_START)
    staged = _staged(obj.get("staged_end"), f"{where}.staged_end", start)
    due_from, due_to = _date(obj, "due_from", where), _date(obj, "due_to", where)
    if mode is not Mode.GRACE_WINDOW and due_from is None:
        due_from = start
    if mode is Mode.SHIFT_IF_DUE_IN_WINDOW and due_to is None:
        if end is None:
            raise MeasureError(f"{where}.due_to", N_("needed when the measure has no effective_to"))
        due_to = end
    if due_from is not None and due_to is not None and due_to < due_from:
        raise MeasureError(f"{where}.due_to", N_("must not be before due_from"))
    waiver = _flag(obj, "penalty_waiver", where)
    condition = obj.get("condition")
    if condition is not None and (issues := validate_certlogic(condition)):
        raise MeasureError(f"{where}.condition", N_("not valid CertLogic: %(reason)s"),
                           reason=issues[0]["message"])
    issued_by = _date(obj, "issued_by", where)
    _optional_text(obj, "text", where)
    return Provision(classes=classes, mode=mode, months=months, end_date=end_date, due_from=due_from,
                     due_to=due_to, penalty_waiver=waiver, staged_end=staged, condition=condition,
                     penalty_free_from=start, penalty_free_to=end, index=index, open_ended=open_ended,
                     issued_by=issued_by)


def _suspension(doc: Any, where: str, start: dt.date) -> Suspension:
    obj = _object(doc, where, _SUSPENSION)
    kinds = _kinds(obj.get("consequences"), f"{where}.consequences")
    if any(k.nature is not Nature.CONSEQUENCE for k in kinds):
        names = ", ".join(k.value for k in DeadlineKind if k.nature is Nature.CONSEQUENCE)
        raise MeasureError(f"{where}.consequences", N_("only consequences can be suspended: %(names)s"),
                           names=names)
    begin = _date(obj, "from", where) or start
    _optional_text(obj, "text", where)
    if _flag(obj, "until_further_notice", where):
        if obj.get("resume_on") is not None:
            raise MeasureError(f"{where}.resume_on", N_("give resume_on or until_further_notice: true, not both"))
        return Suspension(kinds, begin, None)
    resume = _date(obj, "resume_on", where, required=True)
    assert resume is not None
    if resume <= begin:
        raise MeasureError(f"{where}.resume_on", N_("must be after the day the suspension starts"))
    return Suspension(kinds, begin, resume)


def _held(s: Suspension, index: int, start: dt.date) -> Provision:
    # A consequence due in the held period takes effect on `resume_on` at the earliest; held until
    # further notice, every consequence due from the start is held.
    if s.resume_on is None:
        return Provision(classes=s.consequences, mode=Mode.SHIFT_IF_DUE_IN_WINDOW, due_from=s.start,
                         suspension=True, penalty_free_from=start, index=index, open_ended=True)
    last_held = s.resume_on - ONE_DAY
    return Provision(classes=s.consequences, mode=Mode.SHIFT_IF_DUE_IN_WINDOW, end_date=last_held,
                     due_from=s.start, due_to=last_held, suspension=True, penalty_free_from=start, index=index)


def _object(doc: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise MeasureError(where, N_("must be a JSON object"))
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise MeasureError(f"{where}.{unknown[0]}", N_("unknown field (allowed: %(fields)s)"),
                           fields=", ".join(sorted(allowed)))
    return doc


def _flag(obj: dict[str, Any], key: str, where: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise MeasureError(f"{where}.{key}", N_("must be true or false"))
    return value


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise MeasureError(f"{where}.{key}", N_("must be a list"))
    return value


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MeasureError(f"{where}.{key}", N_("must be a non-empty text"))
    return value


def _optional_text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise MeasureError(f"{where}.{key}", N_("must be a text"))
    return value


def _date(obj: dict[str, Any], key: str, where: str, required: bool = False) -> dt.date | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise MeasureError(f"{where}.{key}", N_("is required (a date, YYYY-MM-DD)"))
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MeasureError(f"{where}.{key}", N_("must be a date YYYY-MM-DD, not %(value)s"),
                           value=repr(value)) from None


def _kinds(value: Any, where: str) -> frozenset[DeadlineKind]:
    known = {k.value for k in DeadlineKind}
    if not isinstance(value, list) or not value:
        raise MeasureError(where, N_("must be a non-empty list of record classes"))
    for item in value:
        if item not in known:
            raise MeasureError(where, N_("unknown record class %(value)s (known: %(known)s)"),
                               value=repr(item), known=", ".join(sorted(known)))
    return frozenset(DeadlineKind(v) for v in value)


def _region(value: Any, where: str) -> frozenset[str] | None:
    if value == "national":
        return None
    if not isinstance(value, list) or not value:
        raise MeasureError(where, N_('must be "national" or a non-empty list of province codes such as "14"'))
    for code in value:
        if code not in PROVINCES:
            raise MeasureError(where, N_("%(value)s is not a province code (two digits, e.g. 14 for 山西)"),
                               value=repr(code))
    return frozenset(value)


def _supersedes(value: Any, where: str) -> tuple[str, ...]:
    refs = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(refs, list) or not all(isinstance(r, str) and _REF.match(r) for r in refs):
        raise MeasureError(where, N_('must be null, "ID@VERSION", or a list of them'))
    return tuple(refs)


def _staged(value: Any, where: str, start: dt.date) -> tuple[tuple[VehicleClass, dt.date], ...]:
    if value is None:
        return ()
    obj = _object(value, where, {c.value for c in VehicleClass})
    staged = []
    for key in sorted(obj):
        day = _date(obj, key, where, required=True)
        assert day is not None
        if day < start:
            raise MeasureError(f"{where}.{key}", NOT_BEFORE_START)
        staged.append((VehicleClass(key), day))
    return tuple(staged)

"""One state-machine pattern for everything that moves through states: pass applications, passes, the 34
businesses' applications, appointments, queue tickets, hotline tickets.

A room declares its statuses as a `StrEnum` and its transitions as data — action, from which states,
to which state, the roles allowed, the domain event to emit and the message to send — and changes a
status only through `StateMachine.apply`, which in one step:
- refuses an action not allowed from the current state, or not allowed to the acting role;
- refuses a stale change (optimistic locking: the row's `version` must be the one the user saw, and
  SQLAlchemy's version counter makes the UPDATE itself conditional, so two racing requests cannot both
  win);
- writes the audit record (with the actor), the domain event and the messages, in the caller's
  transaction.
The table gets a CHECK constraint from the enum (`status_check`), so no other path can store a status
the machine does not know.

Use:
    class Status(StrEnum): pending = "pending"; approved = "approved"
    MACHINE = StateMachine("pass_application", Status, room="passes", transitions=[
        Transition("approve", {Status.pending}, Status.approved, {Role.pass_issuer, SYSTEM_ROLE},
                   event="pass_application.approved", notify="pass_approved"),
    ])
    MACHINE.apply(session, app, "approve", expected_version=form_version, recipients=[("inapp", str(uid))])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import CheckConstraint, Integer
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from jiaoguan.kit import audit, events
from jiaoguan.kit.context import current_actor
from jiaoguan.kit.errors import Conflict, Forbidden
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.outbox import enqueue

S = TypeVar("S", bound=StrEnum)
SYSTEM_ROLES = frozenset({"system", "cli"})  # the worker, automatic rules and operators at the command line


class TransitionRefused(Conflict):
    code = "kit.transition_refused"
    message = N_("This cannot be done now: it is %(state)s.")


class StaleState(Conflict):
    code = "kit.stale"
    message = N_("Someone else changed this in the meantime. Please reload the page and try again.")


class RoleRefused(Forbidden):
    code = "kit.role_refused"
    message = N_("Your role may not do this.")


class Stateful(Protocol):
    id: Any
    version: int


class Versioned:
    """Mixin: an integer `version` that SQLAlchemy checks and bumps on every UPDATE of the row."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's declared_attr signature
        return {"version_id_col": cls.version}  # type: ignore[attr-defined]


def status_check(states: type[StrEnum], column: str = "status", name: str = "status_known") -> CheckConstraint:
    """A CHECK constraint admitting only the enum's values (add it to `__table_args__`)."""
    values = ", ".join(f"'{s.value}'" for s in states)
    return CheckConstraint(f"{column} IN ({values})", name=name)


@dataclass(frozen=True)
class Transition(Generic[S]):
    action: str
    source: frozenset[S]
    target: S
    roles: frozenset[str]
    event: str | None = None      # domain event emitted when applied
    notify: str | None = None     # message template sent to the recipients given to `apply`

    def __init__(self, action: str, source: Iterable[S], target: S, roles: Iterable[str], *,
                 event: str | None = None, notify: str | None = None) -> None:
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "source", frozenset(source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "roles", frozenset(str(r) for r in roles))
        object.__setattr__(self, "event", event)
        object.__setattr__(self, "notify", notify)


@dataclass
class StateMachine(Generic[S]):
    name: str                      # also the audit object type and the prefix of audit actions
    states: type[S]
    transitions: Sequence[Transition[S]]
    status_attr: str = "status"
    labels: Mapping[str, str] = field(default_factory=dict)  # state -> English msgid shown to people
    # The declaring room: refusals are `<room>.transition_refused`, `<room>.role_refused`, `<room>.stale`.
    room: str = field(kw_only=True)
    _by_action: dict[str, Transition[S]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        for t in self.transitions:
            if t.action in self._by_action:
                raise ValueError(f"{self.name}: action {t.action!r} declared twice")
            for state in (*t.source, t.target):
                if state not in set(self.states):
                    raise ValueError(f"{self.name}: {state!r} is not a state")
            self._by_action[t.action] = t

    def transition(self, action: str) -> Transition[S]:
        try:
            return self._by_action[action]
        except KeyError:
            raise ValueError(f"{self.name}: no action {action!r}") from None

    def can(self, state: str, action: str, role: str) -> bool:
        t = self._by_action.get(action)
        return t is not None and state in t.source and role in t.roles

    def actions(self, state: str, role: str) -> list[Transition[S]]:
        """What this role may do from this state (the buttons a page shows)."""
        return [t for t in self.transitions if state in t.source and role in t.roles]

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def apply(self, session: Session, obj: Stateful, action: str, *, role: str | None = None,
              expected_version: int | None = None, summary: str = "", payload: dict[str, Any] | None = None,
              recipients: Iterable[tuple[str, str]] = (), params: dict[str, Any] | None = None,
              province_code: str | None = None) -> Transition[S]:
        """Move `obj` by `action`; audit, emit and notify in the caller's transaction. Flushes."""
        t = self.transition(action)
        acting = role if role is not None else current_actor().role
        current = str(getattr(obj, self.status_attr))
        if current not in t.source:
            raise TransitionRefused(code=f"{self.room}.transition_refused", state=current)
        if acting not in t.roles:
            raise RoleRefused(code=f"{self.room}.role_refused")
        if expected_version is not None and obj.version != expected_version:
            raise StaleState(code=f"{self.room}.stale")
        setattr(obj, self.status_attr, t.target.value)
        try:
            session.flush()
        except StaleDataError:
            raise StaleState(code=f"{self.room}.stale") from None
        audit.record(session, f"{self.name}.{action}", self.name, obj.id,
                     summary or f"{current} -> {t.target.value}")
        # The event's rows and the messages go to the outbox in one statement (one flush for all of them).
        if t.event:
            events.emit(session, t.event, {"id": obj.id, "from": current, "to": t.target.value, **(payload or {})},
                        province_code=province_code)
        if t.notify:
            for channel, recipient in recipients:
                enqueue(session, channel, recipient, t.notify, params or {}, province_code=province_code,
                        flush=False)
        session.flush()
        return t

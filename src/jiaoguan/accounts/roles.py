"""The roles of the product. Every endpoint names which of them may call it."""

from __future__ import annotations

from enum import StrEnum

from jiaoguan.kit.i18n import N_


class Role(StrEnum):
    citizen = "citizen"
    enterprise_agent = "enterprise_agent"
    window_clerk = "window_clerk"
    online_seat = "online_seat"
    hotline_agent = "hotline_agent"
    checkpoint_officer = "checkpoint_officer"
    pass_issuer = "pass_issuer"
    supervisor = "supervisor"
    admin = "admin"


ROLE_NAMES = {
    Role.citizen: N_("Citizen"),
    Role.enterprise_agent: N_("Enterprise agent"),
    Role.window_clerk: N_("Window clerk"),
    Role.online_seat: N_("Online business seat"),
    Role.hotline_agent: N_("Hotline agent"),
    Role.checkpoint_officer: N_("Checkpoint officer"),
    Role.pass_issuer: N_("Pass issuer"),
    Role.supervisor: N_("Supervisor"),
    Role.admin: N_("Administrator"),
}

STAFF = frozenset({Role.window_clerk, Role.online_seat, Role.hotline_agent, Role.checkpoint_officer,
                   Role.pass_issuer, Role.supervisor, Role.admin})
# Supervisors and the administrator above them.
SUPERVISORS = frozenset({Role.supervisor, Role.admin})
# Staff who look people and vehicles up in the registry.
REGISTRY_READERS = frozenset({Role.window_clerk, Role.online_seat, Role.hotline_agent, Role.checkpoint_officer,
                              *SUPERVISORS})
# The road side: checkpoint officers and those who supervise them (checks, checkpoint figures, trust data).
ENFORCEMENT = frozenset({Role.checkpoint_officer, *SUPERVISORS})

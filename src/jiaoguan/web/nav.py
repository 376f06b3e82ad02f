"""Navigation per role: (label msgid, path). Each room adds its entries here."""

from __future__ import annotations

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_

HOME = (N_("Home"), "/")

NAV: dict[Role, list[tuple[str, str]]] = {
    Role.citizen: [HOME, (N_("My licences and vehicles"), "/my/records"), (N_("My deadlines"), "/my/deadlines")],
    Role.enterprise_agent: [HOME, (N_("Our fleet"), "/enterprise/fleet"), (N_("Transport passes"), "/passes/mine")],
    Role.window_clerk: [HOME, (N_("Registry search"), "/registry/search"),
                        (N_("Batch and door-to-door requests"), "/passes/service-queue")],
    Role.online_seat: [HOME, (N_("Registry search"), "/registry/search")],
    Role.hotline_agent: [HOME, (N_("Registry search"), "/registry/search")],
    Role.checkpoint_officer: [HOME, (N_("Registry search"), "/registry/search"),
                              (N_("Verify a pass"), "/checkpoint/verify"),
                              (N_("May I penalise?"), "/enforcement/check")],
    Role.pass_issuer: [HOME, (N_("Pass review"), "/passes/review")],
    Role.supervisor: [HOME, (N_("Registry search"), "/registry/search"), (N_("Audit trail"), "/admin/audit"),
                      (N_("Temporary measures"), "/measures")],
    Role.admin: [HOME, (N_("Registry search"), "/registry/search"), (N_("Audit trail"), "/admin/audit"),
                 (N_("Development SMS"), "/admin/dev-sms"), (N_("Temporary measures"), "/measures"),
                 (N_("Edit measures"), "/admin/measures")],
}


def nav_for(role: str | None) -> list[tuple[str, str]]:
    if role is None:
        return [HOME]
    return NAV.get(Role(role), [HOME])

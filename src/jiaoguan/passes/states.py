"""The states of a pass application and of an issued pass, and who may move them (the kit's pattern).

An application is pending until an issuer (or an auto-approval rule, acting as "system") approves or
refuses it, or the enterprise withdraws it. An issued pass is active until an issuer revokes it; a
compromised signing key turns its passes `key_revoked` (grey) until they are signed again.
"""

from __future__ import annotations

from enum import StrEnum

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.states import SYSTEM_ROLES, StateMachine, Transition


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"
    withdrawn = "withdrawn"


class PassStatus(StrEnum):
    active = "active"
    revoked = "revoked"
    key_revoked = "key_revoked"  # signed by a revoked key; grey until re-issued


# A pass still held by its vehicle (one vehicle, one pass, one route): a grey one waits for re-issue.
HOLDING_PASS_STATUSES = (PassStatus.active.value, PassStatus.key_revoked.value)

APPLICATION = StateMachine("pass_application", ApplicationStatus, room="passes", transitions=[
    Transition("approve", {ApplicationStatus.pending}, ApplicationStatus.approved, {Role.pass_issuer, *SYSTEM_ROLES},
               event="pass_application.approved"),
    Transition("refuse", {ApplicationStatus.pending}, ApplicationStatus.refused, {Role.pass_issuer},
               event="pass_application.refused", notify="pass_refused"),
    Transition("withdraw", {ApplicationStatus.pending}, ApplicationStatus.withdrawn, {Role.enterprise_agent}),
], labels={"pending": N_("Pending"), "approved": N_("Approved"), "refused": N_("Refused"),
           "withdrawn": N_("Withdrawn")})

KEY_KEEPERS = {Role.admin, *SYSTEM_ROLES}  # a key compromise is handled at the command line or by an admin

PASS = StateMachine("transport_pass", PassStatus, room="passes", transitions=[
    Transition("revoke", {PassStatus.active, PassStatus.key_revoked}, PassStatus.revoked, {Role.pass_issuer},
               event="pass.revoked", notify="pass_revoked"),
    Transition("grey_for_key", {PassStatus.active}, PassStatus.key_revoked, KEY_KEEPERS),
    Transition("reissue", {PassStatus.key_revoked}, PassStatus.active, KEY_KEEPERS, notify="pass_reissued"),
], labels={"active": N_("Active"), "revoked": N_("Revoked by the issuer"),
                  "key_revoked": N_("Key revoked")})

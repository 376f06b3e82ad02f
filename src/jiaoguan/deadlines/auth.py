"""Who may call the deadlines room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import Enforcer, allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import REGISTRY_READERS, Role

# A citizen explains their own records, an agent the company's vehicles, registry staff anyone's.
Explainer = Annotated[Principal, Depends(allow(Role.citizen, Role.enterprise_agent, *REGISTRY_READERS))]
# The roadside "may I penalise?" check (the accounts room's shared group of the road side).
__all__ = ["Enforcer", "Explainer"]

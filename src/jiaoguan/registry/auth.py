"""Who may call the registry room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import REGISTRY_READERS, SUPERVISORS, Role

RegistryReader = Annotated[Principal, Depends(allow(*REGISTRY_READERS))]
# Staff who do business on a person's file see the full ID number; the others see it masked.
FULL_ID_ROLES = frozenset({Role.window_clerk, Role.online_seat, *SUPERVISORS})

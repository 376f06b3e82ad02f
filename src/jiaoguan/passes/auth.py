"""Who may call the pass room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import Enforcer, allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import REGISTRY_READERS, Role

Issuer = Annotated[Principal, Depends(allow(Role.pass_issuer))]
OFFICERS = frozenset({Role.checkpoint_officer})
Officer = Annotated[Principal, Depends(allow(*OFFICERS))]
# Officers read their checkpoint's figures; supervisors and admins read every checkpoint's and the trust data.
FigureReader = Enforcer
TrustReader = Enforcer
# An application or pass is seen by its enterprise's agents and by the issuers of its province.
Viewer = Annotated[Principal, Depends(allow(Role.enterprise_agent, Role.pass_issuer))]
# A register credential is downloaded by its holder (or staff on the case) and checked by staff on the road.
CredentialHolder = Annotated[Principal, Depends(allow(Role.citizen, *REGISTRY_READERS))]
CredentialChecker = Annotated[Principal, Depends(allow(*REGISTRY_READERS))]

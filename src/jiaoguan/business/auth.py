"""Who may call the business room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role

# Seats and window clerks work cases; supervisors too (and reassign, and watch the SLA board).
Worker = Annotated[Principal, Depends(allow(Role.online_seat, Role.window_clerk, Role.supervisor))]
# A case is seen by its applicant (or their proxy) and by the staff on it.
CaseReader = Annotated[Principal, Depends(allow(Role.citizen, Role.online_seat, Role.window_clerk,
                                                Role.supervisor, Role.admin))]
# The catalogue's "what you need" is public reading; the editor is the administrator's.
# 集中办理 / 上门办理: the enterprise asks; the province's window clerks and supervisors handle it.
Enterprise = Annotated[Principal, Depends(allow(Role.enterprise_agent))]
ServiceClerk = Annotated[Principal, Depends(allow(Role.window_clerk, Role.supervisor))]
ServiceReader = Annotated[Principal, Depends(allow(Role.enterprise_agent, Role.window_clerk, Role.supervisor,
                                                   Role.admin))]

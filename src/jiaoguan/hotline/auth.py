"""Who may call the hotline room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role

# The hotline desk (专线服务电话): agents, and the supervisors who watch its SLA.
Desk = Annotated[Principal, Depends(allow(Role.hotline_agent, Role.supervisor))]
# The reusable answers: read at the desk, kept by the administrator.
AnswerReader = Annotated[Principal, Depends(allow(Role.hotline_agent, Role.supervisor, Role.admin))]
# 急事急办: clerks at the emergency window and supervisors work the cases; hotline agents register them for callers.
CaseStaff = Annotated[Principal, Depends(allow(Role.window_clerk, Role.supervisor, Role.admin))]
CaseRegistrar = Annotated[Principal, Depends(allow(Role.window_clerk, Role.hotline_agent, Role.supervisor,
                                                   Role.citizen))]
CaseViewer = Annotated[Principal, Depends(allow(Role.window_clerk, Role.hotline_agent, Role.supervisor, Role.admin,
                                                Role.citizen))]
CaseWorker = Annotated[Principal, Depends(allow(Role.window_clerk, Role.supervisor))]
SlaWatcher = Annotated[Principal, Depends(allow(Role.supervisor, Role.admin))]
Caller = Annotated[Principal, Depends(allow(Role.citizen))]
TicketViewer = Annotated[Principal, Depends(allow(Role.hotline_agent, Role.supervisor, Role.admin, Role.citizen))]
Admin = Annotated[Principal, Depends(allow(Role.admin))]

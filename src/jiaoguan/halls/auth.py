"""Who may call the halls room's routes: its role groups, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role

# Who books: the citizen (for self or, with the person's ID number, as a proxy), an enterprise agent, a hotline
# agent for a caller, a clerk at the window.
Booker = Annotated[Principal, Depends(allow(Role.citizen, Role.enterprise_agent, Role.hotline_agent,
                                            Role.window_clerk, *SUPERVISORS))]
Clerk = Annotated[Principal, Depends(allow(Role.window_clerk, *SUPERVISORS))]
HallSupervisor = Annotated[Principal, Depends(allow(*SUPERVISORS))]
ScheduleAdmin = Annotated[Principal, Depends(allow(Role.admin))]
Applicant = Annotated[Principal, Depends(allow(Role.citizen, Role.hotline_agent, Role.window_clerk))]

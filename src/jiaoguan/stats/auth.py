"""Who may read the figures: supervisors (their province) and administrators (any region)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jiaoguan.accounts.auth import allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS

FigureReader = Annotated[Principal, Depends(allow(*SUPERVISORS))]

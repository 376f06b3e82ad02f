"""The base of the halls room's views: what its services answer, immutable, and itself the API's response model
where the API shows the same (so a field is declared once)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(frozen=True)

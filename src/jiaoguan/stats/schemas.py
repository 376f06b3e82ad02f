"""JSON shapes of the figures API."""

from __future__ import annotations

from pydantic import BaseModel

Cell = str | int | float | None


class TableOut(BaseModel):
    id: str
    title: str
    columns: list[str]
    chart: str | None
    rows: list[list[Cell]]


class FigureOut(BaseModel):
    metric: str
    label: str
    value: int | float | None
    shown: str
    text: str
    how_counted: str


class MeasureOut(BaseModel):
    measure: str
    name: str
    people: int
    figures: list[FigureOut]
    tables: list[TableOut]


class DashboardOut(BaseModel):
    start: str
    end: str
    province: str | None
    office: str | None
    measures: list[MeasureOut]

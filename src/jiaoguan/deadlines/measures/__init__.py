"""Temporary measures kept as data (临时措施): the model, its files, and its published versions.

Pure (no database, no web): `model` (what a measure is and which are in force on a date) and `loader`
(reading and validating measure JSON, the shipped files). With the database: `store` (publish a new
version, never edit one; read the published ones), `configured` (the published measures when a
database is configured, for commands), `commands` (`jiaoguan measures load|list`).
"""

"""The nightly sweep (批量处理): statuses and reminders for every record, as of one date, set-based.

- `run`: `sweep(session, on)` and `affected_counts(session, on)` — the engine is asked once per distinct
  key (`plan`, pure), its answers go into scratch tables (`models`) and SQL applies them (`sql`).
- `command`: `jiaoguan deadlines sweep`, with a progress bar.
"""

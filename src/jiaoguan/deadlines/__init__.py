"""延期办: deadlines from the regulations, modified by temporary measures kept as data.

Public API (what other rooms, the command line and the benchmarks use):

- `engine.evaluate(kind, record_or_due, on, measures, province, vehicle_class) -> Decision`, and
  `engine.decide` for one deadline already known by its date — the pure core, answering as of any date;
- `rules`: the regulations' own deadlines (`rules.records.deadlines_for`), the record types and kinds;
- `measures`: temporary measures as data — `measures.loader.shipped_measures / load_measures`, and
  `measures.store.publish / stored_measures` for the published versions in the database;
- `record_items`: from a registry row's plain values to the items the engine judges (pages, API, sweep);
- `service`: every deadline of a stored record as of a date, and the checkpoint's "may I penalise?";
- `sweep.run.sweep(session, on)`: the nightly set-based sweep; `jobs` registers it with the worker;
- `api.router` (`/api/v1/deadlines/…`), `pages.router` (the pages), `commands.app` (`jiaoguan deadlines`),
  `measures.commands.app` (`jiaoguan measures`), `demo.load_demo_part`.

The pure core (`engine`, `rules`, `measures.model`, `measures.loader`, `record_items`) imports neither
SQLAlchemy nor FastAPI; an import-linter contract in pyproject.toml keeps it so.
"""

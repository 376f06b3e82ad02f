"""延期办: deadlines from the regulations, modified by temporary measures kept as data.

Pure core (no database, no web):
- `rules.deadlines_for(record, on)`: the regulations' deadlines of a licence, vehicle, learner permit,
  preselected or retained plate number, or 容缺 certificate obligation;
- `measure_loader.parse_measure / load_measures / shipped_measures`: temporary measures from JSON;
- `engine.evaluate(kind, record_or_due, on, measures, province, vehicle_class) -> Decision`;
- `plan.bulk_terms(measures, on)`: the same measures as terms a set-based SQL sweep applies;
- `commands.app`: `jiaoguan deadlines explain` and `jiaoguan deadlines measures validate`.
"""

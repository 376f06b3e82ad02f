"""Base rules of the regulations, before any temporary measure (pure: no database, no web).

- `records`: `deadlines_for(record, on)` — every deadline of a `Licence`, `Vehicle`, `LearnerPermit`,
  `PreselectedPlate`, `PlateRetention` or `MedicalCertificateObligation`; the rule codes; `facts_of`.
- `licence` (Decree 162), `vehicle` (实施条例 art 16, scrapping), `permits` (learner permits, plate numbers,
  容缺 certificates), `intervals` (the inspection-interval table kept as data).
- `kinds`: the kinds of deadline and their nature (handling, validity, consequence).
- `reasons`: the sentence, in Chinese and English, saying why a deadline stands where it does.
"""

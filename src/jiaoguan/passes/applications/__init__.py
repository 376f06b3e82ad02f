"""Pass applications (通行证申请) and how they are decided.

* `form` — `clean_application(ApplicationInput) -> (CleanApplication | None, problems)`: pure, every problem
  at once (一次告知).
* `service` — `submit_application`, `approve`, `refuse`, `withdraw`, `review_queue`, the one-vehicle-one-pass
  overlap rule, who may see what.
* `csv_batch` — many applications from one CSV file, problems by line and column.
* `policy` — each province's settings (validity maximum, review SLA, numbering area) and auto-approval rules.
* `sla` — escalation of reviews still pending on their due day.
"""

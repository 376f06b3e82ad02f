"""At the checkpoint (快速放行): verify, log every scan, work offline, count.

* `scans` — `verify_online` (the pure verifier plus the issuer's register, always logged),
  `record_offline_scans`, checkpoints and the reasons only the server can give.
* `offline` — the trust snapshot the page's browser verifier uses with no network.
* `figures` — per checkpoint and day: released per hour, denials by reason, median check time.
"""

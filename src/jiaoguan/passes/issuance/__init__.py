"""Issuing passes: numbers, signatures, the keys that make them, and taking them back.

* `numbering` — `next_pass_no(session, area)`: gap-free serials per issuing area.
* `issue` — `issue_pass(session, application)`, `sign`, `crew_of`, `qr_svg`.
* `keystore` — the national root and provincial signing keys in the database: `init_keys`, `rotate_key`,
  `current_signing_key`, `server_trust_store`, `trust_bundle`.
* `revocation` — `revoke_pass`, `compromise_key` (revoke a key and re-issue its honest passes), `get_pass`.
"""

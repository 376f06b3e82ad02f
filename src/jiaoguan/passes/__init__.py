"""重点物资运输车辆通行证: the pass room (measure 1, 特事特办).

Where things are:

* `qr/` — the pure core: the QR codec (CWT → COSE_Sign1 → zlib → Base45), the bounded CBOR reader, keys
  and certificates, the trust bundle, the verifier and its reason codes, the EU DCC mode. No database,
  no web framework; the checkpoint's browser verifier (templates/passes/assets/offline_verify.js) mirrors it.
* `applications/` — what an enterprise asks for and how it is decided: the form cleaner, submission and
  review, the CSV batch, the province's policy and auto-approval, the review SLA. (The batch and door-to-door
  service requests of these enterprises moved to the business room, which asks `service` for active passes.)
* `issuance/` — numbering, signing and storing passes, the keys kept in the database, revocation.
* `checkpoint/` — verification at a checkpoint and its scan log, the offline trust snapshot, figures.
* `web/` — the HTML pages by who uses them (agent, issuer, checkpoint) and what they share.

What the rest of the product plugs in: `api.router` (JSON), `pages.router` (HTML), `commands.app`
(`jiaoguan pass …`), `jobs` (the hourly review-SLA job), `demo.load_demo_part`. What other rooms may ask:
`service` (does a vehicle or an enterprise hold an active pass); never the tables in `models`.
"""

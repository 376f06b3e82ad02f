"""The pass room's HTML pages by who uses them; `jiaoguan.passes.pages` joins their routers.

* `agent` — the enterprise agent: applications, apply (form or CSV), print and e-pass.
* `issuer` — the pass issuer's review and issued passes.
* `checkpoint` — the officer's verify page (online, and offline in the browser) and the figures.
* `common` — rendering and readable names shared by all of them.
"""

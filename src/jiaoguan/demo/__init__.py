"""The demo data set: offices, a sign-in for every role, and a synthetic population (`jiaoguan demo`).

Public API: `load_demo(people=, seed=, progress=)`, `demo_loaded()`, `print_demo_signins()`,
`DEMO_PASSWORD`, `DEMO_ACCOUNTS`.
"""

from jiaoguan.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, print_demo_signins
from jiaoguan.demo.load import DemoSummary, DemoWorld, demo_loaded, load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "DemoSummary", "DemoWorld", "demo_loaded",
           "load_demo", "print_demo_signins"]

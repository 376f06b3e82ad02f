"""Fine payments (缴纳罚款) behind a small provider interface.

A provider is asked to collect an amount under our reference and answers at once (`confirmed` True or
False) or later (`confirmed` None: the payment stays `pending` until `violations.confirm_payment` is called
with its reference, as a real provider's callback would). The development provider confirms at once, like
the development SMS channel in notify. `JIAOGUAN_PAYMENT_PROVIDER` names the provider (default
`development`); a real one registers itself in `PROVIDERS`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaymentAnswer:
    confirmed: bool | None          # None: the provider will call back
    provider_reference: str = ""


class PaymentProvider(Protocol):
    name: str

    def collect(self, *, reference: str, amount_yuan: int, description: str) -> PaymentAnswer: ...


class DevelopmentProvider:
    """Confirms every payment at once (development and tests; never in production)."""

    name = "development"

    def collect(self, *, reference: str, amount_yuan: int, description: str) -> PaymentAnswer:
        return PaymentAnswer(True, "dev-" + reference)


class DeferredProvider:
    """Accepts the order and confirms later, through `confirm_payment` (tests of the callback path)."""

    name = "deferred"

    def collect(self, *, reference: str, amount_yuan: int, description: str) -> PaymentAnswer:
        return PaymentAnswer(None, "later-" + reference)


PROVIDERS: dict[str, PaymentProvider] = {"development": DevelopmentProvider(), "deferred": DeferredProvider()}


def current_provider() -> PaymentProvider:
    return PROVIDERS[os.environ.get("JIAOGUAN_PAYMENT_PROVIDER", "development")]

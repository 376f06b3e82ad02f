"""What the registry tells people through the outbox (容缺 obligations); rendered in the reader's language."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "registry_obligation_opened": (
        N_("Medical certificate outstanding"),
        N_("Your licence was renewed without the medical certificate. Please hand it in by %(due)s.")),
    "registry_obligation_reminder": (
        N_("Medical certificate outstanding"),
        N_("Reminder: please hand in your medical certificate by %(due)s (%(days)s days left).")),
    "registry_obligation_overdue": (
        N_("Medical certificate overdue"),
        N_("Your medical certificate was due on %(due)s. New business is blocked until you hand it in.")),
    "registry_obligation_overdue_staff": (
        N_("容缺 obligation overdue"),
        N_("Obligation %(obligation)s: the medical certificate was due on %(due)s and has not been handed in.")),
}

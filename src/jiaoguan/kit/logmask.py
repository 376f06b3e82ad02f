"""Personal ID numbers never reach the logs: a filter masks them in every record (access logs included,
whose request lines carry query strings such as `?id_number=…`)."""

from __future__ import annotations

import logging

from jiaoguan.kit.ids.masking import scrub


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in
                                (record.args if isinstance(record.args, tuple) else (record.args,)))
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        return True


def install(logger_names: tuple[str, ...] = ("", "uvicorn", "uvicorn.access", "uvicorn.error")) -> None:
    """Attach the filter to the loggers and to every handler they have (filters on a logger do not see
    records propagated from child loggers, filters on handlers do)."""
    mask = MaskIdNumbers()
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskIdNumbers) for f in logger.filters):
            logger.addFilter(mask)
        for handler in logger.handlers:
            if not any(isinstance(f, MaskIdNumbers) for f in handler.filters):
                handler.addFilter(mask)

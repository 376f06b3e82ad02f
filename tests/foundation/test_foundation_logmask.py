"""ID numbers are masked in log records, including the access log's request line."""

from __future__ import annotations

import logging

from jiaoguan.kit.logmask import MaskIdNumbers


def test_an_id_number_in_a_log_line_is_masked() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/api/v1/registry/persons?id_number=11010519491231002X",
                                "1.1", 200), None)
    MaskIdNumbers().filter(record)
    line = record.getMessage()
    assert "11010519491231002X" not in line and "110105********002X" in line


def test_a_message_without_arguments_is_masked_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "looked up 440524188001010014", None, None)
    MaskIdNumbers().filter(record)
    assert record.getMessage() == "looked up 440524********0014"

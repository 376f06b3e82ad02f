"""Request ids: 16 hex digits, not repeated, and a forked server process does not repeat its parent's."""

from __future__ import annotations

import os
import re

from jiaoguan.kit.context import request_id, set_request_id


def test_a_request_id_is_sixteen_hex_digits_and_not_repeated() -> None:
    ids = {set_request_id() for _ in range(20_000)}
    assert len(ids) == 20_000
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    assert set_request_id("given-by-proxy") == "given-by-proxy" == request_id()


def test_a_forked_child_draws_other_ids_than_its_parent() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: its next ids, to the parent
        os.write(write, ",".join(set_request_id() for _ in range(3)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 1000).decode().split(",")
    os.close(read)
    parent = [set_request_id() for _ in range(3)]
    assert len(child) == 3 and not set(child) & set(parent)

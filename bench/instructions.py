"""Instructions per request of the common paths, beside the bare endpoints, counted by callgrind (issue 13).

    JIAOGUAN_DATABASE_URL=postgresql://…/db_with_demo valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file=/tmp/jg-cg.%p .venv/bin/python bench/instructions.py [--out /tmp/jg-cg] \
        [--requests 20] [--only bare_post,bare_get,verify,records,search,queue]

Instruction counts do not depend on how loaded the machine is (other processes change the time, not the count),
so before/after figures of a change compare even on a shared machine. The app is called straight through ASGI as
in `profile_pages.py` (thread hops inlined; the database's own work is another process and is not counted). For
each target: a warm-up, then `--requests` requests with instrumentation on, dumped as one part
(`callgrind_control`); then each part's total is read back (`callgrind_annotate`) and printed as JSON, per
request, with the ratio to its bare baseline (`bare_post` for the verify API, `bare_get` for the pages). A noop
window measures what switching the instrumentation costs; it is subtracted. `--out` is the callgrind output file
given to valgrind, without its `.%p`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fixtures import prepare  # noqa: E402
from profile_pages import asgi_call, inline_threads, targets  # noqa: E402

BASELINE = {"verify": "bare_post", "records": "bare_get", "search": "bare_get", "queue": "bare_get"}


def control(*args: str) -> None:
    done = subprocess.run(["callgrind_control", *args, str(os.getpid())], stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit("run me under valgrind --tool=callgrind --instr-atstart=no (see the docstring)")


def part_totals(out_prefix: str) -> dict[str, int]:
    """Trigger name -> instructions of every dumped part of this process."""
    totals: dict[str, int] = {}
    for part in sorted(Path(out_prefix).parent.glob(Path(out_prefix).name + ".*")):
        text = part.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (\S+)", text, re.M)
        report = subprocess.run(["callgrind_annotate", str(part)], capture_output=True, text=True).stdout
        found = re.search(r"^([\d,]+) .*PROGRAM TOTALS", report, re.M)
        if trigger and found:
            totals[trigger.group(1)] = int(found.group(1).replace(",", ""))
    return totals


async def run(args: argparse.Namespace) -> None:
    import bare_app

    from jiaoguan.web.app import create_app, settle_heap

    fx = prepare()
    app = create_app(start_worker=False)
    inline_threads()
    calls = targets(app, fx)
    body = json.dumps({"qr": fx.qr, "checkpoint": fx.checkpoint, "lane": "1"}).encode()
    calls["bare_post"] = asgi_call(bare_app.app, "POST", "/verify", body=body,
                                   headers={"content-type": "application/json"})
    calls["bare_get"] = asgi_call(bare_app.app, "GET", "/page?bytes=4000")

    async def noop() -> tuple[int, bytes]:
        return 200, b""

    calls["noop"] = noop
    settle_heap()   # as `jiaoguan serve` does once started
    for name in ["noop", *args.only.split(",")]:
        for _ in range(5):
            await calls[name]()
        control("-i", "on")
        for _ in range(args.requests):
            await calls[name]()
        control("-i", "off")
        control("-d", name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", default="bare_post,bare_get,verify,records,search,queue")
    parser.add_argument("--out", default="/tmp/jg-cg", help="valgrind's --callgrind-out-file, without .%%p")
    args = parser.parse_args()
    asyncio.run(run(args))
    totals = part_totals(f"{args.out}.{os.getpid()}")
    noop = totals.pop("noop", 0)
    per = {name: round((total - noop) / args.requests) for name, total in totals.items()}
    result = {"bench": "instructions", "requests": args.requests, "instructions_per_request": per,
              "ratio_to_bare": {name: round(per[base] / per[name], 3) for name, base in BASELINE.items()
                                if name in per and base in per}}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

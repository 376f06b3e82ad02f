"""What every `jiaoguan` command does when it cannot do its work: one sentence on stderr, a non-zero exit.

`failing_cleanly()` turns the failures a command can expect — a domain error (`JiaoguanError`), a
database that cannot be reached or was never migrated, a file that cannot be read or written — into
that sentence, so no user ever sees a traceback for bad input. Rooms' commands use it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from jiaoguan.kit.errors import JiaoguanError


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@contextmanager
def failing_cleanly() -> Iterator[None]:
    try:
        yield
    except JiaoguanError as exc:
        raise fail(exc.text("en")) from None
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise fail(f"The database cannot be used ({reason}). Check JIAOGUAN_DATABASE_URL and run "
                   "`jiaoguan db upgrade`.") from None
    except UnicodeDecodeError as exc:
        raise fail(f"The file is not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except OSError as exc:
        raise fail(f"{exc.filename or 'A file'}: {exc.strerror or exc}.") from None

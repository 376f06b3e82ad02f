"""What every `jiaoguan` command shares: its language, its help, and how it fails.

* **Language.** The CLI speaks `JIAOGUAN_CLI_LOCALE` if set, else the language of the operator's locale
  (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them: `zh*` → Simplified Chinese, `en*` →
  English), else the product's default (Simplified Chinese). Sentences are English msgids translated
  like the pages' (`say`, `fail`); machine-readable `--json` output is never translated.
* **Help.** Every command group is made by `commands(...)`; its help, its commands' and their options'
  help are English msgids (`N_`), translated when the command line is read.
* **Failures.** `failing_cleanly()` turns the failures a command can expect — a domain error
  (`JiaoguanError`), a database that cannot be reached or was never migrated, a file that cannot be read
  or written — into one sentence on stderr and a non-zero exit, so no user ever sees a traceback for bad
  input. Rooms' commands use it too.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from typer.core import TyperGroup

from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import DEFAULT_LOCALE, N_, normalize_locale, reset_locale, set_locale, translate

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_locale() -> str:
    """The language the command line speaks (see the module's docstring)."""
    chosen = os.environ.get("JIAOGUAN_CLI_LOCALE", "").strip()
    if chosen:
        return normalize_locale(chosen)
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:  # the first one set decides; "C" or "POSIX" leaves the product's default
            return normalize_locale(value)
    return DEFAULT_LOCALE


def _translate_help(command: Any) -> None:
    """Replace each help msgid of the command tree by its translation (the tree is built afresh per run).
    Duck-typed: Typer builds the tree from its own copy of click's classes."""
    for attr in ("help", "short_help", "epilog"):
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, translate(inspect.cleandoc(text)))
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = translate(text)
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)


class TranslatedGroup(TyperGroup):
    """A command group that speaks the CLI's language while it runs, help included."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        token = set_locale(cli_locale())
        try:
            _translate_help(self)
            return super().main(*args, **kwargs)
        finally:
            reset_locale(token)


def commands(help: str, **options: Any) -> typer.Typer:  # noqa: A002 - Typer's own name for it
    """A command group of the product: `help` is an English msgid; no arguments show the help."""
    options.setdefault("no_args_is_help", True)
    return typer.Typer(help=help, cls=TranslatedGroup, **options)


def say(msgid: str, **params: Any) -> None:
    """Print a sentence to the operator in the CLI's language."""
    typer.echo(translate(msgid, **params))


def fail(msgid: str, code: int = 1, **params: Any) -> typer.Exit:
    """Say what went wrong on stderr in the CLI's language; the caller raises the returned exit.
    (A text already translated, such as an error's `text()`, passes through unchanged.)"""
    typer.secho(translate(msgid, **params), err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@contextmanager
def failing_cleanly(code: int = 1) -> Iterator[None]:
    """One sentence and exit `code` for a domain error, the database or a file; anything else is a bug."""
    try:
        yield
    except JiaoguanError as exc:
        raise fail(exc.text(), code) from None
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise fail(N_("The database cannot be used (%(reason)s). Check JIAOGUAN_DATABASE_URL and run "
                      "`jiaoguan db upgrade`."), code, reason=reason) from None
    except UnicodeDecodeError as exc:
        raise fail(N_("The file is not UTF-8 text (%(reason)s at byte %(byte)s)."), code, reason=exc.reason,
                   byte=exc.start) from None
    except OSError as exc:
        raise fail(N_("%(file)s: %(reason)s."), code, file=exc.filename or translate(N_("A file")),
                   reason=exc.strerror or str(exc)) from None

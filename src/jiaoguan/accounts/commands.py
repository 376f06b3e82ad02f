"""`jiaoguan user …`: create users and device tokens from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from jiaoguan.kit.commands import failing_cleanly

app = typer.Typer(help="User accounts.", no_args_is_help=True)


def _fail(message: str, code: int) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command("add")
def user_add(username: str, role: str,
             password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
             display_name: str = "", province: str | None = None, phone: str | None = None) -> None:
    """Create a user with a role (citizen, window_clerk, …, admin)."""
    from jiaoguan.accounts.roles import Role
    from jiaoguan.accounts.service import create_user
    from jiaoguan.kit.db import unit_of_work

    if role not in Role.__members__:
        raise _fail(f"Unknown role {role!r}; choose one of: {', '.join(Role.__members__)}.", 2)
    with failing_cleanly(), unit_of_work() as session:
        user = create_user(session, username=username, display_name=display_name or username, role=role,
                           password=password, province_code=province, phone=phone)
        typer.echo(f"created user {user.username} ({role})")


@app.command("token")
def user_token(username: str, name: str = "device") -> None:
    """Issue a device API token (e.g. for a checkpoint scanner) acting as USERNAME."""
    from sqlalchemy import select

    from jiaoguan.accounts.models import User
    from jiaoguan.accounts.service import issue_api_token
    from jiaoguan.kit.db import unit_of_work

    with failing_cleanly(), unit_of_work() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise _fail(f"No user named {username!r}.", 1)
        typer.echo(issue_api_token(session, user, name))

"""`jiaoguan user …`: create users and device tokens from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from jiaoguan.kit.commands import commands, fail, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("User accounts."))


@app.command("add", help=N_("Create a user with a role (citizen, window_clerk, …, admin)."))
def user_add(username: Annotated[str, typer.Argument(help=N_("The user name to sign in with."))],
             role: Annotated[str, typer.Argument(help=N_("The role: citizen, window_clerk, …, admin."))],
             password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                                   help=N_("The password (asked for when not given)."))],
             display_name: Annotated[str, typer.Option(help=N_("The name shown (default: the user name)."))] = "",
             province: Annotated[str | None, typer.Option(help=N_("Province code, 2 digits (staff)."))] = None,
             phone: Annotated[str | None, typer.Option(help=N_("Mobile number for SMS sign-in."))] = None) -> None:
    from jiaoguan.accounts.roles import Role
    from jiaoguan.accounts.service import create_user
    from jiaoguan.kit.db import unit_of_work

    if role not in Role.__members__:
        raise fail(N_("Unknown role %(role)s; choose one of: %(roles)s."), 2, role=repr(role),
                   roles=", ".join(Role.__members__))
    with failing_cleanly(), unit_of_work() as session:
        user = create_user(session, username=username, display_name=display_name or username, role=role,
                           password=password, province_code=province, phone=phone)
        say(N_("Created user %(username)s (%(role)s)."), username=user.username, role=role)


@app.command("token", help=N_("Issue a device API token (e.g. for a checkpoint scanner) acting as USERNAME."))
def user_token(username: Annotated[str, typer.Argument(help=N_("The user the device acts as."))],
               name: Annotated[str, typer.Option(help=N_("The device's name."))] = "device") -> None:
    from jiaoguan.accounts.service import issue_api_token, principal_by_username
    from jiaoguan.kit.db import unit_of_work

    with failing_cleanly(), unit_of_work() as session:
        user = principal_by_username(session, username)
        if user is None:
            raise fail(N_("No user named %(username)s."), 1, username=repr(username))
        typer.echo(issue_api_token(session, user, name))  # the token itself: machine-readable, never translated

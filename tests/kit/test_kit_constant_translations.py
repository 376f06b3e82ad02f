"""Templates translated when compiled (kit.web.ConstantTranslations): per locale, the same markup as translating
each `_()` when the page is rendered."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from jiaoguan.kit import web
from jiaoguan.kit.i18n import LOCALES, set_locale

SOURCE = """<p title="{{ _("Sign out") }}">{{ _("Sign out") }}</p>
<p>{{ _("The field %(field)s is not valid: %(reason)s", field="<b>", reason="x") }}</p>
<p>{{ _("100%% done") }} {{ _('Language') }} {{ "x"|e }} {{ obj._("Sign out") if obj else "" }}</p>"""


def _render(env: Environment, locale: str) -> str:
    set_locale(locale)
    return env.from_string(SOURCE).render(obj=None)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_page_compiled_for_its_locale_reads_as_one_translated_when_rendered(locale: str) -> None:
    compiled = web._page_environments[locale]
    assert _render(compiled, locale) == _render(web.templates_env, locale)


def test_a_constant_text_is_a_constant_of_the_compiled_template_and_a_text_with_variables_stays_a_call() -> None:
    code = web._page_environments["zh_Hans"].compile(SOURCE, raw=True)
    assert "'退出登录'" in code or "退出登录" in code
    assert code.count("context.call(") >= 1            # the text with variables is still translated when rendered
    assert code.count("'Sign out'") == 1               # only `obj._(…)`, an attribute of something else, is left
    assert code.count("退出登录") == 2


def test_the_page_environment_follows_the_request_locale() -> None:
    set_locale("en")
    assert web.page_environment() is web._page_environments["en"]
    set_locale("zh_Hans")
    assert web.page_environment() is web._page_environments["zh_Hans"]

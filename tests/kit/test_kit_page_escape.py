"""A page's outputs are escaped by `kit.web.written` (markupsafe's escaping without its `Markup` wrapper): the same
text as markupsafe's `escape` for every kind of value, and the same page as Jinja's own templates give, through
macros, blocks, call blocks, `set` blocks, filters, concatenation and `|safe`."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup, escape

from jiaoguan.kit.web import PageTemplate, page_environment, written


class _Tag:
    def __html__(self) -> str:
        return '<span class="tag">有效 & ok</span>'


@pytest.mark.parametrize("value", ["<a href='x'>&\"</a>", "", "纯文本", 123, 1.5, None, dt.date(2022, 4, 21),
                                   Markup("<b>safe</b>"), _Tag(), ["<x>"]])
def test_a_value_is_written_as_markupsafe_escapes_it(value: object) -> None:
    assert written(value) == str(escape(value))


PAGES = {
    "base.html": "<title>{% block title %}{{ title }}{% endblock %}</title><main>{% block main %}{% endblock %}</main>",
    "page.html": """{% extends "base.html" %}{% import "parts.html" as parts %}
{% block main %}{{ parts.card(item) }}{% set note %}<i>{{ item.name }}</i>{% endset %}{{ note }}
{% call parts.wrap() %}<u>{{ item.name ~ "<&>" }}</u>{% endcall %}{{ item.name|upper }}{{ item.html|safe }}
{% for t in item.tags %}{{ t }} {% endfor %}{% autoescape false %}{{ item.name }}{% endautoescape %}{% endblock %}""",
    "parts.html": """{% macro card(i) %}<li data-x="{{ i.name }}">{{ i.name }} · {{ i.count }}</li>{% endmacro %}
{% macro wrap() %}<div>{{ caller() }}</div>{% endmacro %}""",
}


def test_a_page_is_the_same_byte_for_byte_as_jinja_writes_it() -> None:
    def env(template_class: type | None) -> Environment:
        made = Environment(loader=DictLoader(PAGES), autoescape=True)
        if template_class is not None:
            made.template_class = template_class
        return made

    item = {"name": "<script>'x' & \"y\"</script>", "count": 3, "html": "<b>ok</b>", "tags": [_Tag(), "<t>"]}
    ours = env(PageTemplate).get_template("page.html").render(title="a < b", item=item)
    theirs = env(None).get_template("page.html").render(title="a < b", item=item)
    assert ours == theirs
    # The hook is a private one of Jinja's (`Template._from_namespace`): were it renamed, pages would silently escape
    # the slow way again. Every page of the product's environments writes through `written`.
    assert env(PageTemplate).get_template("page.html").root_render_func.__globals__["escape"] is written
    assert page_environment().get_template("web/base.html").root_render_func.__globals__["escape"] is written
    assert "&lt;script&gt;" in ours and "<b>ok</b>" in ours and "<script>'x'" in ours   # the autoescape-off block

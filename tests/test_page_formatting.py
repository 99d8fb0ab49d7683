"""How pages write times, durations, money and figures, and how templates are found."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest

from statusgen import wording
from statusgen.publish import formatting
from statusgen.settings import Settings
from statusgen.state import Indicator
from statusgen.templating import make_environment, templates_dir


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(hours=11, minutes=30), "11 h 30 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(days=2, hours=3, minutes=14), "2 d 3 h"),
        (timedelta(days=1, minutes=5), "1 d 5 min"),
        (timedelta(seconds=30), "30 s"),
        (timedelta(hours=2), "2 h"),
        (None, "—"),
    ],
)
def test_human_duration(span, text):
    assert wording.human_duration(span) == text


def test_time_tag_is_utc_whatever_the_offset():
    moment = datetime(2020, 7, 5, 21, 0, tzinfo=timezone(timedelta(hours=2)))
    assert formatting.time_tag(moment) == '<time datetime="2020-07-05T19:00:00Z">5 Jul 2020, 19:00 UTC</time>'
    assert formatting.date_tag(date(2020, 8, 12)) == '<time datetime="2020-08-12">12 Aug 2020</time>'
    assert formatting.month_label(date(2020, 7, 31)) == "July 2020"


@pytest.mark.parametrize(
    ("value", "text"),
    [(100.0, "100%"), (99.9412, "99.94%"), (99.5, "99.50%"), (0.0, "0%"), (None, "no data")],
)
def test_percent(value, text):
    assert formatting.percent(value) == text


def test_money():
    assert formatting.money(Decimal("5"), "USD") == "$5"
    assert formatting.money(Decimal("7.5"), "USD") == "$7.50"
    assert formatting.money(Decimal("12"), "CHF") == "CHF\u00a012"  # a code, not a symbol: kept apart (CLDR)


def test_uptime_levels_are_ordered():
    levels = [formatting.uptime_level(value) for value in (100.0, 99.5, 97.0, 50.0, None)]
    assert levels == ["ok", "minor", "partial", "major", "none"]


@pytest.mark.parametrize("indicator", list(Indicator))
def test_favicon_is_an_inline_svg_without_spaces(indicator):
    uri = formatting.favicon_uri(indicator)
    assert uri.startswith("data:image/svg+xml,") and " " not in uri
    assert unquote(uri).count("<svg") == 1
    assert formatting.INDICATOR_STATUS[indicator].value in {
        "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance",
    }


def test_packaged_templates_are_found():
    folder = templates_dir()
    for name in ("base.html", "fragment.html", "index.html", "incident.html", "main.html", "assets/statusgen.css"):
        assert (folder / name).is_file(), name


def test_user_templates_come_first_and_undefined_variables_fail(tmp_path: Path):
    (tmp_path / "history.html").write_text("mine: {{ page }}")
    environment = make_environment(Settings(content_dir=tmp_path, template_dirs=(tmp_path,)))
    assert environment.get_template("history.html").render(page="x") == "mine: x"
    assert environment.get_template("incident.html").filename.startswith(str(templates_dir()))
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("{{ missing }}").render()
    assert environment.from_string("{{ text }}").render(text="<b>") == "&lt;b&gt;"


def test_record_headings_nest_below_the_section_they_sit_in() -> None:
    from statusgen.markup import MarkdownRenderer

    html = MarkdownRenderer().render("## Cause\n\nText about `<h2 class=x>` tags.\n\n### Detail\n\n###### Deepest")
    assert str(formatting.headings_below(html, 2)) == (
        '<h3>Cause</h3>\n<p>Text about <code>&lt;h2 class=x&gt;</code> tags.</p>\n<h4>Detail</h4>\n<h6>Deepest</h6>')
    assert "<h4>Cause</h4>" in formatting.headings_below(html, 3)
    assert formatting.headings_below(html, 1) == html


def test_a_cached_macro_renders_once_per_page_and_arguments(tmp_path: Path):
    # `cached` serves the uptime bars (1,400 days on a front page, most alike): the same
    # macro with the same arguments is rendered once; other arguments, or the macro of
    # another rendering (its context may differ), are rendered again.
    environment = make_environment(Settings(content_dir=tmp_path))
    environment.add_extension("jinja2.ext.do")
    template = environment.from_string(
        "{% macro cell(day) %}{% do made.append((page, day)) %}{{ page }}:{{ day }}{% endmacro %}"
        "{% for day in [1, 1, 2, 1, 2] %}{{ cached(cell, day) }} {% endfor %}")
    made: list[tuple[str, int]] = []
    assert template.render(made=made, page="a") == "a:1 a:1 a:2 a:1 a:2 "
    assert template.render(made=made, page="b") == "b:1 b:1 b:2 b:1 b:2 "
    assert made == [("a", 1), ("a", 2), ("b", 1), ("b", 2)]


def test_template_translations_are_jinjas_made_once(tmp_path: Path):
    from statusgen.languages import Language, catalogue

    german = make_environment(Settings(content_dir=tmp_path), Language("de", "de/"))
    jinjas = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    jinjas.install_gettext_translations(catalogue("de"), newstyle=True)  # type: ignore[attr-defined]
    sources = [
        '{{ _("Today") }}', '{{ _("%(days)s days ago", days="<3>") }}', '{{ _("100%% <i>") }}',
        "{% trans %}100%% <i>{% endtrans %}", '{% trans days="<3>" %}{{ days }} days ago{% endtrans %}',
        '{% autoescape false %}{{ _("%(days)s days ago", days="<3>") }}{% endautoescape %}',
    ]
    for _ in range(2):  # translated once, then taken from memory: the same
        for source in sources:
            assert german.from_string(source).render() == jinjas.from_string(source).render(), source
    assert german.from_string('{{ _("%(days)s days ago", days="<3>") }}').render() == "vor &lt;3&gt; Tagen"
    with pytest.raises(ValueError, match="incomplete format"):
        german.from_string('{{ _("100%") }}').render()

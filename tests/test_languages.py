"""The interface in every shipped language: catalogues complete and compiled, no bare text in
the templates, the `languages:` option, the URL layout per language, right to left."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import html5lib
import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from statusgen.languages import LOCALE_DIR, SHIPPED, language_problems
from statusgen.pipeline import build_outputs
from statusgen.templating import templates_dir

from sites.corpus import by_path, corpus_site
from sites.files import write_config, write_site

ROOT = Path(__file__).resolve().parent.parent
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_NS = {"h": "http://www.w3.org/1999/xhtml"}


def _extracted() -> set[str | tuple[str, str]]:
    """Every message the code and the templates use, as `make messages` extracts them."""
    method_map = [("statusgen/templates/**.html", "jinja2"), ("statusgen/**.py", "python")]
    options = {"statusgen/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _catalogue(code: str):
    return read_po((LOCALE_DIR / code / "LC_MESSAGES" / "statusgen.po").open("rb"))


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated_in_every_shipped_catalogue(code):
    catalogue = _catalogue(code)
    messages = {message.id if isinstance(message.id, str) else tuple(message.id): message for message in catalogue if message.id}
    missing = sorted(str(key) for key in _extracted() if key not in messages)
    assert not missing, f"{code}: not in the catalogue (run make messages, then translate): {missing}"
    for key, message in messages.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{code}: untranslated: {key!r}"
        assert not message.fuzzy, f"{code}: fuzzy: {key!r}"
        wanted = set(_PLACEHOLDER.findall(key if isinstance(key, str) else key[1]))
        for text in strings:
            # Every value the message is given is shown (a plural's singular may drop the count).
            assert set(_PLACEHOLDER.findall(text)) >= wanted - {"count", "num"}, f"{code}: {key!r} -> {text!r}"
            assert text.count("<a ") == (key if isinstance(key, str) else key[0]).count("<a "), f"{code}: links differ: {text!r}"


@pytest.mark.parametrize("code", SHIPPED)
def test_compiled_catalogues_match_their_sources(code):
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    compiled = read_mo((folder / "statusgen.mo").open("rb"))
    source = _catalogue(code)
    def table(catalogue):
        return {_key(m.id): _key(m.string) for m in catalogue if m.id}

    assert table(compiled) == table(source), "run make messages"


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def test_the_catalogue_template_is_current():
    template = read_po((LOCALE_DIR / "statusgen.pot").open("rb"))
    listed = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    assert listed == _extracted(), "run make messages"


_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
_WORDS_IN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


def _bare_text(source: str) -> list[str]:
    """Words of a template outside {% trans %} and outside any {{ }} or {% %}."""
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    text: list[str] = []
    in_trans = False
    block: list[str] = []
    for _, kind, value in environment.lex(source):
        if kind in ("block_begin", "block_end"):
            if kind == "block_begin":
                block = []
            else:
                words = [word for word in block if word.strip()]
                if words[:1] == ["trans"]:
                    in_trans = True
                elif words[:1] == ["endtrans"]:
                    in_trans = False
            text.append("§")
            continue
        if kind == "name" or kind == "operator":
            block.append(value)
        if kind == "data" and not in_trans:
            text.append(value)
        elif kind not in ("data", "whitespace"):
            text.append("§") if kind in ("variable_begin", "variable_end") else None
    joined = "".join(text)
    attributes = [value for value in _WORDS_IN_ATTRIBUTES.findall(joined) if re.search(r"[^\W\d_]", value.replace("§", ""))]
    outside = _ENTITY.sub(" ", _TAG.sub(" ", joined)).replace("§", " ")
    return attributes + [word for word in re.findall(r"[^\W\d_][\w'’-]*", outside)]


@pytest.mark.parametrize("template", sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.html") if "notify" not in p.parts))
def test_templates_hold_no_bare_text(template):
    source = (templates_dir() / template).read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    assert _bare_text(source) == [], f"{template}: words outside _() or {{% trans %}}"


def test_the_bare_text_walk_finds_bare_text():
    assert _bare_text('<p class="x">{{ _("Fine") }} Not fine</p>') == ["Not", "fine"]
    assert _bare_text('<a aria-label="Site">{% trans %}Fine{% endtrans %}</a>') == ["Site"]
    assert _bare_text('<li title="{{ text }}">{{ a }}: {{ b }} · 100%</li>') == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (["en", "de"], None),
        (["pt_BR"], None),
        ([], "non-empty list"),
        ("en", "non-empty list"),
        (["en", "xx"], "'xx' is not a language identifier"),
        (["en", "de", "de"], "'de' is listed twice"),
        (["EN"], "'EN' is not a language identifier"),
    ],
)
def test_the_languages_option_is_validated(value, problem):
    problems = language_problems(value)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


def _site(languages):
    site = corpus_site(languages=languages)
    return by_path(build_outputs(site.records, site.settings, site.state.now))


def _document(content: bytes):
    return html5lib.parse(content, namespaceHTMLElements=True)


def test_the_first_language_is_at_the_root_and_the_others_in_their_folders():
    files = _site(("en", "de", "ar"))
    pages = [path for path in files if path.endswith("index.html")]
    for path in [p for p in pages if not p.startswith(("de/", "ar/"))]:
        assert "de/" + path in files and "ar/" + path in files
    for prefix, lang, direction, words in (("", "en", "ltr", "Incident history"), ("de/", "de", "ltr", "Störungsverlauf"), ("ar/", "ar", "rtl", "سجل الأعطال")):
        document = _document(files[prefix + "index.html"])
        root = document.getroot() if hasattr(document, "getroot") else document
        assert (root.get("lang"), root.get("dir")) == (lang, direction)
        assert words in files[prefix + "index.html"].decode()
    # What stays single: no API, calendar, badge, stylesheet or 404 page per language.
    assert not [path for path in files if path.startswith(("de/api/", "de/assets/", "de/maintenance.ics", "de/badge", "de/404", "de/sitemap", "de/metrics"))]


def test_a_single_language_is_published_at_the_root():
    files = _site(("de",))
    assert not any(path.startswith("de/") for path in files)
    page = files["index.html"].decode()
    assert '<html lang="de" dir="ltr">' in page and "Störungsverlauf" in page
    assert 'hreflang=' not in page  # one version: nothing to switch to


def test_every_page_links_its_versions_and_the_shared_files_at_the_root():
    files = _site(("en", "de"))
    path = next(p for p in files if p.startswith("incidents/") and p.endswith("index.html") and "page" not in p and p != "incidents/index.html")
    document = _document(files["de/" + path])
    alternates = {link.get("hreflang"): link.get("href") for link in document.iterfind(".//h:link[@hreflang]", _NS)}
    page = path[: -len("index.html")]
    assert alternates == {"en": "https://status.example.org/" + page, "de": "https://status.example.org/de/" + page,
                          "x-default": "https://status.example.org/" + page}
    switcher = document.find(".//h:nav[@class='sg-languages']", _NS)
    links = {a.get("hreflang"): a.get("href") for a in switcher.iterfind(".//h:a", _NS)}
    assert links == {"en": "../../../" + page, "de": "./"}
    stylesheet = document.find(".//h:link[@rel='stylesheet']", _NS).get("href")
    assert stylesheet.startswith("../../../assets/statusgen.")
    calendar = [a.get("href") for a in document.iterfind(".//h:a", _NS) if a.get("href", "").endswith("maintenance.ics")]
    assert calendar == ["../../../maintenance.ics"]


def test_the_stylesheet_mirrors_by_logical_properties():
    css = (templates_dir() / "assets" / "statusgen.css").read_text(encoding="utf-8")
    assert not re.findall(r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right):|text-align:\s*(?:left|right)", css)


def _mkdocs_build(root: Path, languages: list[str]) -> subprocess.CompletedProcess[str]:
    write_site(root)
    write_config(root, plugins=[{"statusgen": {"languages": languages}}])
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "out"], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1633370400"}, check=False)


def test_the_plugin_publishes_every_language(tmp_path):
    result = _mkdocs_build(tmp_path, ["fr", "ja"])
    assert result.returncode == 0, result.stderr
    assert '<html lang="fr" dir="ltr">' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    japanese = (tmp_path / "out" / "ja" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja" dir="ltr">' in japanese and "障害履歴" in japanese


def test_the_plugin_refuses_unknown_and_repeated_languages(tmp_path):
    result = _mkdocs_build(tmp_path, ["en", "xx", "en"])
    assert result.returncode == 1
    assert "statusgen: 'xx' is not a language identifier Babel knows (e.g. en, de, pt_BR); 'en' is listed twice" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("code", ["en", "de", "pt_BR"])
def test_a_languages_cldr_data_is_read_before_the_pages_are_rendered(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read once in the build, when its environment is made, so that the processes forked to
    # render pages (the live pages' child, a first build's workers) find it read.
    import babel.localedata

    from statusgen.languages import site_languages, text_direction
    from statusgen.settings import Settings
    from statusgen.templating import make_environment

    monkeypatch.setattr(babel.localedata, "_cache", {})
    monkeypatch.setattr(babel.localedata, "_dict_cache", {})
    text_direction.cache_clear()
    make_environment(Settings(content_dir=Path("content")), site_languages((code,))[0])
    assert code in babel.localedata._dict_cache

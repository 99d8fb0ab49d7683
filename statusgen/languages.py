"""The languages of a site: which are published where, and each one's catalogue and locale.

The interface words come from the gettext catalogues shipped in the package
(statusgen/locale/LANG/LC_MESSAGES/statusgen.mo, compiled from the .po beside them by
`make messages`); dates, numbers and money follow the language's CLDR locale, which Babel
carries inside the package. Nothing depends on the machine's locale, so a build is the same
on every machine.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""The package's catalogues (package data)."""
DOMAIN = "statusgen"
SHIPPED = ("en", "de", "fr", "es", "ja", "ar")
"""The languages whose interface catalogue is complete (tests/test_languages.py checks them)."""
DEFAULT_LANGUAGES = ("en",)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name for "mark, do not translate")
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Language:
    """One published language of a site."""

    code: str
    """As configured: a Babel locale identifier ("de", "pt_BR")."""
    prefix: str
    """Where its pages live in the section: "" for the first language, "de/" for the others."""

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    @property
    def tag(self) -> str:
        """The BCP 47 tag of lang and hreflang attributes: "pt-BR"."""
        return self.code.replace("_", "-")

    @property
    def direction(self) -> str:
        """"rtl" for a language written right to left (ar, he, fa...), else "ltr"."""
        return text_direction(self.tag)

    @property
    def translations(self) -> gettext.NullTranslations:
        return catalogue(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)


@cache
def text_direction(tag: str) -> str:
    """"rtl" or "ltr": how a language, given by its BCP 47 tag ("en", "pt-BR"), is written."""
    return "rtl" if Locale.parse(tag, sep="-").character_order == "right-to-left" else "ltr"


def site_languages(codes: tuple[str, ...]) -> tuple[Language, ...]:
    """The languages of a site in their configured order: the first at the root."""
    return tuple(Language(code, "" if index == 0 else code + "/") for index, code in enumerate(codes))


def default_language(codes: tuple[str, ...]) -> Language:
    """The language of the root and of what stays single (API, badges, calendar, metrics)."""
    return site_languages(codes)[0]


def language_problems(codes: object) -> list[str]:
    """What is wrong with a `languages:` option: empty, not a list, an identifier Babel does
    not know, or one given twice. Empty when it is fine."""
    if not isinstance(codes, list) or not codes:
        return ["languages must be a non-empty list of language identifiers, e.g. [en, de]"]
    problems = []
    seen: set[str] = set()
    for code in codes:
        if not isinstance(code, str) or not _is_locale(code):
            problems.append(f"{code!r} is not a language identifier Babel knows (e.g. en, de, pt_BR)")
        elif code in seen:
            problems.append(f"{code!r} is listed twice")
        seen.add(str(code))
    return problems


def _is_locale(code: str) -> bool:
    try:
        _locale(code)
    except (ValueError, UnknownLocaleError):
        return False
    return str(_locale(code)) == code


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language; English (the source texts) for a language
    without one, so that a site in another CLDR locale still builds."""
    found = Translations.load(str(LOCALE_DIR), [code], domain=DOMAIN)
    return found if isinstance(found, Translations) else gettext.NullTranslations()

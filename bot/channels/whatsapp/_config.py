"""The WhatsApp channel's settings, parsed once from the environment, and its template file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.i18n import DEFAULT_LOCALE, LOCALES
from bot.settings import Settings

DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0"
"""The Graph API with its version segment; ``WHATSAPP_API_BASE_URL`` overrides it."""
REQUIRED = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
"""Read with :meth:`Settings.secret`: from the variable or from a private file named by ``NAME_FILE``."""


@dataclass(frozen=True)
class Template:
    """An approved message template: its ``name``, ``language`` code and the names of its body parameters."""

    name: str
    language: str
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Templates:
    """Templates by purpose (``broadcast``, ``reminder``...) and locale, from ``WHATSAPP_TEMPLATES``."""

    by_purpose: dict[str, dict[str, Template]] = field(default_factory=dict)

    def get(self, purpose: str, locale: str | None) -> Template | None:
        """The template for ``purpose`` in ``locale``, else in its fallback locales, else in English."""
        table = self.by_purpose.get(purpose, {})
        info = LOCALES.get(locale or "")
        for code in (locale, *(info.fallback if info else ()), DEFAULT_LOCALE):
            if code and code in table:
                return table[code]
        return None

    @classmethod
    def load(cls, path: Path) -> Templates:
        """Read a YAML (or JSON) file::

            broadcast:                      # a purpose the code asks for
              en: {name: marhaba_update, language: en, parameters: [text]}
              ar: {name: marhaba_update, language: ar, parameters: [text]}
        """
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"WHATSAPP_TEMPLATES: cannot read {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(exc.problem):
                # safe_load built nothing; say why rather than "not valid YAML".
                raise ConfigError(f"{where}: YAML tags such as !!python/… are not allowed") from None
            raise ConfigError(f"{where}: not valid YAML or JSON") from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected purposes (e.g. 'broadcast:') mapping locales to templates")
        out: dict[str, dict[str, Template]] = {}
        for purpose, locales in data.items():
            if not isinstance(locales, dict):
                raise ConfigError(f"{path}: '{purpose}' must map locales (en, ar, ...) to templates")
            out[str(purpose)] = {}
            for locale, spec in locales.items():
                out[str(purpose)][str(locale)] = _template(path, f"{purpose}.{locale}", locale, spec)
        return cls(out)


def _template(path: Path, where: str, locale: str, spec: Any) -> Template:
    if locale not in LOCALES:
        raise ConfigError(f"{path}: {where}: unknown locale; use one of {', '.join(LOCALES)}")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        raise ConfigError(f"{path}: {where}: needs 'name' (the approved template's name)")
    params = spec.get("parameters", [])
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        raise ConfigError(f"{path}: {where}: 'parameters' must be a list of names, e.g. [title, date]")
    language = spec.get("language", locale)
    if not isinstance(language, str) or not language:
        raise ConfigError(f"{path}: {where}: 'language' must be the template's language code, e.g. en_US")
    return Template(spec["name"], language, tuple(params))


@dataclass(frozen=True)
class WhatsAppConfig:
    """Everything the channel reads from the environment. Secrets stay out of ``repr``."""

    phone_number_id: str
    api_base_url: str
    token: str = field(repr=False)
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)
    templates: Templates = field(default_factory=Templates)

    @staticmethod
    def configured(settings: Settings) -> bool:
        """True when any of the channel's variables is set (a partial setup then fails loudly)."""
        return settings.whatsapp.configured

    @classmethod
    def from_settings(cls, settings: Settings) -> WhatsAppConfig:
        wa = settings.whatsapp
        secrets = {"WHATSAPP_TOKEN": wa.token.read(), "WHATSAPP_APP_SECRET": wa.app_secret.read(),
                   "WHATSAPP_VERIFY_TOKEN": wa.verify_token.read()}
        values = {**secrets, "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id}
        missing = [name for name in REQUIRED if not values[name]]
        if missing:
            raise ConfigError(f"the WhatsApp channel needs {', '.join(missing)} (see the README, section WhatsApp)")
        base = wa.api_base_url or DEFAULT_API_BASE_URL
        if not base.startswith(("https://", "http://")):
            raise ConfigError("WHATSAPP_API_BASE_URL must be an http(s) URL with the API version, "
                              f"e.g. {DEFAULT_API_BASE_URL}")
        phone = wa.phone_number_id
        if not phone.isdigit():
            raise ConfigError("WHATSAPP_PHONE_NUMBER_ID must be the numeric phone number id from the Meta app "
                              "(not the phone number)")
        return cls(
            phone_number_id=phone,
            api_base_url=base.rstrip("/"),
            token=secrets["WHATSAPP_TOKEN"],
            app_secret=secrets["WHATSAPP_APP_SECRET"],
            verify_token=secrets["WHATSAPP_VERIFY_TOKEN"],
            templates=Templates.load(wa.templates) if wa.templates else Templates(),
        )

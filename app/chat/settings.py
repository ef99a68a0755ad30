"""The site's retrieval settings (`assistant.toml`): what to index and how to rank passages.

They travel inside the content index, so the page runs exactly the query the site owner wrote
and showed in the sources panel; a broken query fails the build, never a visitor's question.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.groq import GroqError, parse

DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "assistant.toml"


class SettingsError(ValueError):
    """The settings file is wrong; the message names the file, the key and what to write."""


@dataclass(frozen=True)
class Settings:
    query: str
    passages: int = 4
    fields: tuple[str, ...] = ("title", "headings", "text")
    omit: tuple[str, ...] = ()
    base_url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "fields": list(self.fields), "omit": list(self.omit)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        return cls(
            query=data["query"],
            passages=int(data.get("passages", 4)),
            fields=tuple(data.get("fields", ())),
            omit=tuple(data.get("omit", ())),
            base_url=str(data.get("base_url", "")),
        )


def load_settings(path: Path | None = None) -> Settings:
    path = path or DEFAULT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SettingsError(f"{path}: cannot read the settings file ({e.strerror})") from e
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: not valid TOML: {e}") from e
    return parse_settings(data, str(path))


def parse_settings(data: dict[str, Any], label: str) -> Settings:
    index, retrieval = data.get("index", {}), data.get("retrieval", {})
    query = retrieval.get("query")
    if not isinstance(query, str) or not query.strip():
        raise SettingsError(f"{label}: [retrieval] query must be a GROQ query string")
    try:
        parse(query)
    except GroqError as e:
        raise SettingsError(f"{label}: [retrieval] query is not valid GROQ:\n{e}") from e
    passages = retrieval.get("passages", 4)
    if type(passages) is not int or not 1 <= passages <= 20:
        raise SettingsError(f"{label}: [retrieval] passages must be a whole number from 1 to 20")
    fields, omit = index.get("fields", []), index.get("omit", [])
    for key, value in (("fields", fields), ("omit", omit)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise SettingsError(f"{label}: [index] {key} must be a list of field names")
    base_url = data.get("site", {}).get("base_url", "")
    if not isinstance(base_url, str) or (base_url and not base_url.startswith(("https://", "/"))):
        raise SettingsError(f"{label}: [site] base_url must be an https:// URL or a /path")
    return Settings(
        query=query,
        passages=passages,
        fields=tuple(fields),
        omit=tuple(omit),
        base_url=base_url,
    )

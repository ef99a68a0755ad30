"""assistant.toml: read at build time, a mistake fails the build with the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.chat.settings import Settings, SettingsError, load_settings


def test_the_default_settings_are_valid() -> None:
    settings = load_settings()
    assert settings.passages >= 1 and "score(" in settings.query
    assert Settings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[retrieval]\npassages = 3\n", r"query must be a GROQ query"),
        ('[retrieval]\nquery = "*[_type == "\n', r"not valid GROQ:\n(.|\n)*\^"),
        ('[retrieval]\nquery = "*"\npassages = 0\n', "passages must be a whole number"),
        ('[retrieval]\nquery = "*"\n[index]\nfields = "text"\n', r"\[index\] fields must be"),
        ('[site]\nbase_url = "javascript:x"\n[retrieval]\nquery = "*"\n', "base_url must be"),
        ("[retrieval\n", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "assistant.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=reason) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(tmp_path / "nope.toml")

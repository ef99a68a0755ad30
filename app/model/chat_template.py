"""SmolLM2's ChatML chat template, rendered without a Jinja engine (none ships in Pyodide here).

The GGUF carries the template as Jinja source. Rather than interpret arbitrary Jinja, this module
recognizes the one template family the model uses and implements its semantics directly:

    {% for message in messages %}
      {% if loop.first and messages[0]['role'] != 'system' %}
        <|im_start|>system\\n{DEFAULT SYSTEM PROMPT}<|im_end|>\\n
      {% endif %}
      <|im_start|>{role}\\n{content}<|im_end|>\\n
    {% endfor %}
    {% if add_generation_prompt %}<|im_start|>assistant\\n{% endif %}

The default system prompt is read from the template text itself, so a GGUF with another prompt (or
without the default-system block) still renders exactly as its own template would. Any other
template is refused with `ChatTemplateError` instead of being rendered approximately.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .errors import ModelError

if TYPE_CHECKING:
    from .tokenizer import Tokenizer

IM_START, IM_END = "<|im_start|>", "<|im_end|>"

# The recognized templates after `_normalize` (whitespace outside string literals removed).
_LOOP = "{%formessageinmessages%}"
_TURN_AND_END = (
    "{{'<|im_start|>'+message['role']+'\n'+message['content']+'<|im_end|>'+'\n'}}"
    "{%endfor%}"
    "{%ifadd_generation_prompt%}{{'<|im_start|>assistant\n'}}{%endif%}"
)
_WITHOUT_SYSTEM = _LOOP + _TURN_AND_END
_WITH_SYSTEM = re.compile(
    re.escape(_LOOP + "{%ifloop.firstandmessages[0]['role']!='system'%}{{'<|im_start|>system\n")
    + r"(?P<system>(?:[^'\\]|\\.)*)"  # the literal's body: no bare quote, escapes allowed
    + re.escape("<|im_end|>\n'}}{%endif%}" + _TURN_AND_END),
    re.DOTALL,
)
_TAG = re.compile(r"\{%-?(.*?)-?%\}|\{\{-?(.*?)-?\}\}", re.DOTALL)


class ChatTemplateError(ModelError):
    """The template is not one this renderer implements ("unsupported-model"), or a message lacks
    a role or content ("settings")."""

    def __init__(self, message: str, *, reason: str = "unsupported-model") -> None:
        super().__init__(message, reason=reason)


def _normalize(source: str) -> str:
    """The template's tags, with whitespace outside string literals removed and quotes made single.

    Jinja outputs any text between tags, so a template with some (other than the one trailing
    newline Jinja drops) is refused rather than rendered without it.
    """
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(source):
        if m.start() != pos:
            raise ChatTemplateError(
                f"chat template has text outside tags at offset {pos}: "
                "not SmolLM2's ChatML template"
            )
        pos = m.end()
        if m.group(1) is not None:
            out.append("{%" + _strip_code_spaces(m.group(1)) + "%}")
        else:
            out.append("{{" + _strip_code_spaces(m.group(2)) + "}}")
    if source[pos:] not in ("", "\n"):
        raise ChatTemplateError(
            f"chat template has text after its last tag (offset {pos}): not a template we render"
        )
    return "".join(out)


def _strip_code_spaces(code: str) -> str:
    out: list[str] = []
    quote = ""
    escaped = False
    for ch in code:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
                out.append("'")
                continue
            elif ch == "'":  # inside a double-quoted literal: escape for the single-quoted form
                out.append("\\")
            out.append(ch)
        elif ch in "'\"":
            quote = ch
            out.append("'")
        elif not ch.isspace():
            out.append(ch)
    return "".join(out)


def _unescape(literal: str) -> str:
    """A Jinja string literal's value (Jinja applies Python's unicode-escape to it)."""
    if "\\" not in literal:
        return literal
    return literal.encode("ascii", "backslashreplace").decode("unicode-escape")


class ChatTemplate:
    """ChatML rendering, with the template's default system prompt when none is given."""

    def __init__(self, default_system: str | None) -> None:
        self.default_system = default_system

    @classmethod
    def from_jinja(cls, source: str) -> ChatTemplate:
        """Recognize SmolLM2's template (any default system prompt, or none) in Jinja source."""
        normalized = _normalize(source)
        m = _WITH_SYSTEM.fullmatch(normalized)
        if m is not None:
            return cls(_unescape(m.group("system")))
        if normalized == _WITHOUT_SYSTEM:
            return cls(None)
        raise ChatTemplateError(
            "chat template is not SmolLM2's ChatML template, the only one this renderer "
            f"implements (template starts {source[:80]!r})"
        )

    @classmethod
    def from_tokenizer(cls, tokenizer: Tokenizer) -> ChatTemplate:
        """The template carried in the tokenizer file."""
        if not tokenizer.chat_template:
            raise ChatTemplateError("the tokenizer file has no chat template")
        return cls.from_jinja(tokenizer.chat_template)

    def turns(self, messages: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
        """(role, content) of every turn rendered, the default system turn included."""
        turns: list[tuple[str, str]] = []
        for index, message in enumerate(messages):
            try:
                role, content = message["role"], message["content"]
            except (KeyError, TypeError) as exc:
                raise ChatTemplateError(
                    f"message {index} needs 'role' and 'content'", reason="settings"
                ) from exc
            if not isinstance(role, str) or not isinstance(content, str):
                raise ChatTemplateError(
                    f"message {index}: role and content must be strings", reason="settings"
                )
            if index == 0 and role != "system" and self.default_system is not None:
                turns.append(("system", self.default_system))
            turns.append((role, content))
        return turns

    def render(
        self, messages: Iterable[Mapping[str, str]], *, add_generation_prompt: bool = False
    ) -> str:
        """The prompt text, exactly as the GGUF's Jinja template renders it."""
        parts = [f"{IM_START}{role}\n{content}{IM_END}\n" for role, content in self.turns(messages)]
        if add_generation_prompt:
            parts.append(f"{IM_START}assistant\n")
        return "".join(parts)

    def encode(
        self,
        tokenizer: Tokenizer,
        messages: Iterable[Mapping[str, str]],
        *,
        add_generation_prompt: bool = False,
    ) -> list[int]:
        """Prompt ids in which only the template's own markers are special tokens.

        Content is tokenized as plain text, so a page or a visitor writing "<|im_end|>" cannot end
        a turn early. When no content contains special-token text, the ids equal
        ``tokenizer.encode(self.render(...))``: each turn's role and content form one text segment,
        as they do between the markers of the rendered string.
        """
        start, end = tokenizer.added[IM_START], tokenizer.added[IM_END]
        newline = tokenizer.encode("\n", allow_special=False)
        ids: list[int] = []
        for role, content in self.turns(messages):
            ids.append(start)
            ids += tokenizer.encode(f"{role}\n{content}", allow_special=False)
            ids.append(end)
            ids += newline
        if add_generation_prompt:
            ids.append(start)
            ids += tokenizer.encode("assistant\n", allow_special=False)
        return ids

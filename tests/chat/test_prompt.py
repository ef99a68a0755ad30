"""What the model reads of a visitor's message: all of it, unless it would crowd out the rest."""

from __future__ import annotations

from app.chat.assistant import estimate_tokens
from app.chat.prompt import cut_question


def test_a_question_within_the_budget_is_read_whole() -> None:
    question = "How do I read a file line by line?"
    assert cut_question(question, 400, estimate_tokens) == question


def test_a_long_message_keeps_its_beginning_cut_at_a_word_and_marked() -> None:
    words = " ".join(f"word{i}" for i in range(3000))
    cut = cut_question(words, 400, estimate_tokens)
    assert estimate_tokens(cut) <= 400 + 1
    assert cut.endswith(" …") and words.startswith(cut.removesuffix(" …"))
    last = cut.removesuffix(" …").split()[-1]
    assert last in words.split()  # a whole word, never half of one
    assert len(cut) > 400 * 3  # not cut far shorter than the budget


def test_a_message_without_spaces_is_still_cut_within_the_budget() -> None:
    cut = cut_question("x" * 20_000, 400, estimate_tokens)
    assert estimate_tokens(cut) <= 400 + 1 and cut.endswith(" …")

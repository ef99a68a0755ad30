"""Chat prompts the model tests share: short and long, prose, code, numbers, non-ASCII."""

from __future__ import annotations

LONG_SOURCE = (
    "GROQ is the query language of Sanity's content lake. A query starts with a filter in "
    "square brackets, such as *[_type == 'post'], which selects every document whose type is "
    "post. A projection in curly braces picks fields: {title, 'author': author->name}. The "
    "arrow follows a reference to the referenced document. Ordering uses the order() function "
    "and slicing uses [0...10]. "
)

QUESTIONS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You answer in one short paragraph."},
        {"role": "user", "content": "Write a Python function that reverses a string."},
    ],
    [{"role": "user", "content": "Combien font 17 × 23 ? Explique étape par étape."}],
    [
        {
            "role": "system",
            "content": "Answer only from the sources.\n\nSources:\n" + LONG_SOURCE * 2,
        },
        {"role": "user", "content": "How do I follow a reference in GROQ?"},
    ],
]


def prompt_ids(tokenizer, messages) -> list[int]:
    from app.model.chat_template import ChatTemplate

    template = ChatTemplate.from_tokenizer(tokenizer)
    return template.encode(tokenizer, messages, add_generation_prompt=True)

"""Ask the site's content a question in the terminal, with the CPython model.

    python -m app.chat [--content DIST_OR_NDJSON] [--config assistant.toml]
                       [--retrieve-only] [--json] QUESTION

The answer streams to stdout with its sources listed after it. `--retrieve-only --json` prints
the ranked sources as JSON without running the model. `QUESTION` may also be `/groq <query>`.
The content defaults to the built site (dist/, from `python -m wasm_build`); an NDJSON export is
indexed on the spot with the settings of assistant.toml. A built site whose query ranks by
meaning ships passage vectors and the question's embedding model: the terminal uses them as the
page does (an NDJSON export has no vectors: keyword ranking only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from app.groq import GroqError

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent.parent / "dist"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.chat",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT)
    parser.add_argument("--config", type=Path, default=None, help="retrieval settings (TOML)")
    parser.add_argument("--retrieve-only", action="store_true", help="rank sources, no model")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("question", metavar="QUESTION")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.question.strip():
        parser.error("QUESTION is empty: ask something, or `/groq <query>`")
    from app.chat.answer import is_groq_command, run_groq
    from app.chat.assistant import Assistant
    from app.chat.content_files import load_content, load_semantic
    from app.embed import EmbedError

    try:
        dataset, settings = load_content(args.content, args.config)
        semantic = load_semantic(args.content)
    except OSError as e:
        said = f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
        print(f"cannot load content: {said}", file=sys.stderr)
        return 1
    except (ValueError, EmbedError) as e:
        print(f"cannot load content: {e}", file=sys.stderr)
        return 1
    assistant = Assistant(dataset, settings)
    assistant.semantic = semantic
    question = args.question.strip()
    try:
        if is_groq_command(question):
            print(json.dumps(run_groq(assistant, question)["result"], indent=2, ensure_ascii=False))
            return 0
        if args.retrieve_only:
            found = assistant.retrieve(question)
            rows = [
                {"_id": s.id, "title": s.title, "url": s.link, "score": s.score}
                for s in found.sources
            ]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for s in found.sources:
                    print(f"[{s.n}] {s.title}  {s.link or ''}  (score {s.score:.2f})")
                if not found.sources:
                    print("no sources matched the question", file=sys.stderr)
            return 0
    except GroqError as e:
        print(str(e), file=sys.stderr)
        return 1
    return asyncio.run(_answer(assistant, question, args))


async def _answer(assistant, question: str, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from app.chat.answer import answer, generation_options
    from app.chat.terminal_model import TerminalModel
    from app.model.errors import ModelError
    from app.model.files import default_model_dir
    from app.model.generate import ABORTED, AbortSignal

    try:
        model = TerminalModel(default_model_dir())
    except (ModelError, OSError, ValueError) as e:
        print(
            f"the model cannot load: {e}\n"
            "retrieval still works: add --retrieve-only to see the sources that would answer",
            file=sys.stderr,
        )
        return 1
    abort = AbortSignal()
    events: dict[str, dict] = {}

    async def stream(messages, on_delta):  # type: ignore[no-untyped-def]
        options = generation_options(args.max_tokens)
        result = await model.generate(
            model.prompt_ids(messages), options, abort=abort, on_token=lambda _, t: on_delta(t)
        )
        return result.text, result.stop_reason == ABORTED

    def emit(kind: str, payload: dict) -> None:
        events.setdefault(kind, payload)
        if kind == "token" and not args.json:
            sys.stdout.write(payload["text"])
            sys.stdout.flush()

    try:
        result = await answer(
            assistant, "terminal", [], question, stream, emit, model.count_messages
        )
    except KeyboardInterrupt:
        return 130
    sources = events.get("sources", {}).get("sources", [])
    if args.json:
        print(json.dumps({"text": result["text"], "sources": sources}, ensure_ascii=False))
    else:
        print("\n")
        for s in sources:
            print(f"[{s['n']}] {s['title']}  {s['url'] or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Terminal entry: `python -m app.model tokenize|generate ...` over the converted model files.

    python -m app.model tokenize [--json] TEXT          (TEXT "-" reads stdin)
    python -m app.model generate [--greedy] [--max-tokens N] [--system TEXT] [--json] QUESTION
    python -m app.model "question"                      (same as generate)

generate streams the answer as it is decoded; with --json it ends with one line
{"prompt_ids": [...], "ids": [...], "text": "..."}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ModelError

if TYPE_CHECKING:
    from .tokenizer import Tokenizer

COMMANDS = ("tokenize", "generate")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.model",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="folder with model.onnx, model.json, tokenizer.json "
        "(default: the build cache, converted on first use)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    tok = sub.add_parser("tokenize", help="print the token ids of TEXT")
    tok.add_argument("--json", action="store_true", help="print a JSON array")
    tok.add_argument("text", metavar="TEXT", help='text to tokenize, "-" for stdin')
    gen = sub.add_parser("generate", help="stream the answer to QUESTION")
    gen.add_argument("--greedy", action="store_true", help="always pick the most likely token")
    gen.add_argument("--max-tokens", type=_positive_int, default=256)
    gen.add_argument("--system", default=None, help="system prompt (default: the template's)")
    gen.add_argument("--json", action="store_true", help="end with a JSON line of ids and text")
    gen.add_argument("--temperature", type=float, default=0.2)
    gen.add_argument("--top-k", type=int, default=50)
    gen.add_argument("--top-p", type=float, default=0.9)
    gen.add_argument("--repetition-penalty", type=float, default=1.0)
    gen.add_argument("--seed", type=int, default=None)
    gen.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads")
    gen.add_argument("question", metavar="QUESTION")
    return parser


def _positive_int(text: str) -> int:
    """argparse type: a count of at least 1 (0 or less would run the model to say nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _model_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    from .files import default_model_dir

    return default_model_dir()


def _tokenizer(model_dir: Path) -> Tokenizer:
    from .files import TOKENIZER_FILE
    from .tokenizer import Tokenizer

    path = model_dir / TOKENIZER_FILE
    if not path.is_file():
        raise ModelError(f"tokenizer file missing: {path}", reason="missing-file")
    try:
        return Tokenizer.from_file(path)
    except OSError as exc:  # unreadable: permissions, a vanished file
        raise ModelError(
            f"tokenizer file unreadable: {path}: {exc.strerror or exc}", reason="missing-file"
        ) from exc


def _tokenize(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    ids = _tokenizer(_model_dir(args.model_dir)).encode(text)
    print(json.dumps(ids) if args.json else " ".join(map(str, ids)))
    return 0


def _generate(args: argparse.Namespace) -> int:
    from .chat_template import ChatTemplate
    from .generate import GenerateOptions, generate
    from .onnx_cpython import OnnxCpythonBackend
    from .sampler import SamplerConfig

    model_dir = _model_dir(args.model_dir)
    tokenizer = _tokenizer(model_dir)
    messages = []
    if args.system is not None:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": args.question})
    # Content is tokenized as plain text: a question containing "<|im_end|>" cannot end its turn.
    template = ChatTemplate.from_tokenizer(tokenizer)
    prompt_ids = template.encode(tokenizer, messages, add_generation_prompt=True)
    sampling = (
        SamplerConfig()
        if args.greedy
        else SamplerConfig(
            temperature=args.temperature,
            top_k=args.top_k,
            top_p=args.top_p,
            repetition_penalty=args.repetition_penalty,
            seed=args.seed,
        )
    )
    backend = OnnxCpythonBackend(model_dir, threads=args.threads)
    options = GenerateOptions(max_tokens=args.max_tokens, sampler=sampling)
    out = sys.stdout
    generation = generate(backend, tokenizer, prompt_ids, options)
    try:
        for _, delta in generation:
            out.write(delta)
            out.flush()
    except KeyboardInterrupt:  # Ctrl-C stops the answer but keeps what was produced
        pass
    result = generation.result
    assert result is not None
    out.write("\n")
    if args.json:
        out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and not any(a in COMMANDS for a in argv) and not {"-h", "--help"} & set(argv):
        argv = ["generate", *argv]  # `python -m app.model "question"`
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "generate" and not args.question.strip():
        parser.error("QUESTION is empty: ask the model something")
    try:
        return _tokenize(args) if args.command == "tokenize" else _generate(args)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m wasm_build build` on bad input fails in a second with the reason, before npm,
wheels or the model, and a build that fails while writing leaves the previous dist/ whole."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest

from wasm_build import __main__ as cli
from wasm_build import site
from wasm_build.outputs import Output
from wasm_build.shell import BuildError

GOOD = '{"_id":"a","_type":"post","title":"Hello","text":"hello world"}\n'


@pytest.fixture
def no_slow_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any step past the input checks (npm first) fails the test: bad input must stop sooner."""

    def reached(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the build went past its input checks")

    monkeypatch.setattr(site, "ensure_node_modules", reached)
    monkeypatch.setattr(site, "collect", reached)


def _build(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(["build", *argv])
    return code, capsys.readouterr().err


def _content(tmp_path: Path) -> Path:
    path = tmp_path / "site.ndjson"
    path.write_text(GOOD)
    return path


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("this is = = not toml", "not valid TOML: "),
        ('[retrieval]\nquery = "*[_type == \\"post\\"]{title"\n', "query is not valid GROQ:"),
        ('[index]\nfields = ["title"]\n', "[retrieval] query must be a GROQ query string"),
        ('[retrieval]\nquery = "*"\npassages = 0\n', "passages must be a whole number"),
    ],
)
def test_a_bad_config_fails_before_the_build(tmp_path, capsys, no_slow_steps, toml, says):
    config = tmp_path / "assistant.toml"
    config.write_text(toml)
    code, err = _build(capsys, "--content", str(_content(tmp_path)), "--config", str(config))
    assert code == 1
    assert err.startswith(f"build failed: {config}: ")
    assert says in err


def test_groq_error_in_the_config_shows_the_position(tmp_path, capsys, no_slow_steps):
    config = tmp_path / "assistant.toml"
    config.write_text('[retrieval]\nquery = "*[_type == \\"post\\"]{title"\n')
    _, err = _build(capsys, "--config", str(config))
    assert "at line 1, column 25:" in err
    assert err.rstrip().endswith("^")


def test_a_missing_config_or_content(tmp_path, capsys, no_slow_steps):
    code, err = _build(capsys, "--config", str(tmp_path / "nope.toml"))
    assert (code, err) == (
        1,
        f"build failed: {tmp_path / 'nope.toml'}: cannot read the settings file "
        "(No such file or directory)\n",
    )
    code, err = _build(capsys, "--content", str(tmp_path / "nope.ndjson"))
    assert (code, err) == (
        1,
        f"build failed: --content {tmp_path / 'nope.ndjson'}: no such file or folder\n",
    )


def test_serve_refuses_content_it_would_ignore(tmp_path, capsys, no_slow_steps):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--content", str(_content(tmp_path))])
    assert exit_.value.code == 2
    assert "only with --build" in capsys.readouterr().err


def test_a_failed_write_leaves_the_previous_site(tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("old site")
    (dist / site.STAMP).write_text("old\n")
    monkeypatch.setattr(site, "input_digest", lambda content: "new")
    outputs = [Output("index.html", data=b"new site"), Output("assets/big.bin", data=b"x" * 10)]
    monkeypatch.setattr(site, "collect", lambda content: outputs)
    real_write = site._write

    def disk_full(outs: list[Output], target: Path) -> None:
        real_write(outs[:1], target)  # the first file lands, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(site, "_write", disk_full)
    with pytest.raises(BuildError, match=r"No space left on device\); dist/ is unchanged"):
        site.build(target=dist, log=lambda _line: None)
    assert (dist / "index.html").read_text() == "old site"
    assert (dist / site.STAMP).read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_serve_on_a_port_in_use_says_so(tmp_path, capsys, monkeypatch):
    from wasm_build import serve

    (tmp_path / "index.html").write_text("site")
    monkeypatch.setattr(serve, "DIST", tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"cannot serve on 127.0.0.1:{port}: Address already in use (pick another with --port)\n"
    )


@pytest.mark.parametrize(("port", "says"), [("80000", "80000 is not a port"), ("x", "'x' is not")])
def test_serve_refuses_a_port_that_is_not_one(capsys, port, says):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--port", port])
    assert exit_.value.code == 2
    assert f"argument --port: {says}" in capsys.readouterr().err

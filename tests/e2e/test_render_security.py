"""Hostile Markdown streamed through the real page: nothing executes, nothing unsafe is built."""

from __future__ import annotations

import json
import random

from playwright.sync_api import Page, expect

from tests.conftest import shared_file

BOOT_TIMEOUT = 60_000

TRAP = """
window.__xssCalls = [];
window.__xss = (...args) => window.__xssCalls.push(args.map(String));
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => window.__xss(name, ...args);
}
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""

OWN_VECTORS = [
    "[click](javascript:window.__xss(1))",
    "[click](JaVaScRiPt:window.__xss(2))",
    "[click](&#106;avascript:window.__xss(3))",
    "[click](%6Aavascript:window.__xss(4))",
    "[click](java\tscript:window.__xss(5))",
    "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![a](x onerror=window.__xss(6))",
    '![a](https://evil.example/x.png "onerror=window.__xss(7)")',
    "<img src=x onerror=window.__xss(8)>",
    "<script>window.__xss(9)</script>",
    "[ref]\n\n[ref]: javascript:window.__xss(10)",
    "<javascript:window.__xss(11)>",
    "```html\n<script>window.__xss(12)</script>\n```",
    '<a href="javascript:window.__xss(13)">x</a>',
    "<svg onload=window.__xss(14)>",
]

CHECK_DOM = """
(allowed) => {
  const problems = [];
  for (const el of document.querySelectorAll("#messages .content *")) {
    const tag = el.localName;
    const copyButton = tag === "button" && el.className === "copy-code";
    if (!(tag in allowed) && !copyButton) problems.push(`element ${tag}`);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) problems.push(`${tag}[${attr.name}]`);
      if (attr.name === "href" || attr.name === "src") {
        const url = new URL(attr.value, location.href);
        const ok = url.origin === location.origin
          || (attr.name === "href" && ["http:", "https:", "mailto:"].includes(url.protocol));
        if (!ok) problems.push(`${tag}[${attr.name}=${attr.value}]`);
      }
    }
  }
  return problems;
}
"""


def _split(text: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 6))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def test_xss_payloads_stream_through_the_page_inertly(page: Page, site) -> None:
    payloads = [
        p["payload"] for p in json.loads(shared_file("xss/dompurify-payloads.json").read_text())
    ]
    payloads += OWN_VECTORS
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(TRAP)
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)

    rng = random.Random(20261121)
    splits = [_split(p, rng) for p in payloads if len(p) > 1]
    rendered = page.evaluate(
        """async (splits) => {
          let n = 0;
          for (const chunks of splits) { await window.assistant.render(chunks); n++; }
          return n;
        }""",
        splits,
    )
    assert rendered == len(splits) > 230
    page.wait_for_timeout(500)  # give any injected timer or image error a chance to fire

    from app.render.ops import ALLOWED

    problems = page.evaluate(CHECK_DOM, {tag: sorted(v) for tag, v in ALLOWED.items()})
    assert problems == []
    assert page.evaluate("() => window.__xssCalls") == []
    assert dialogs == []
    assert page.evaluate("() => window.__violations") == []
    messages = page.locator("#messages article[data-state=done]")
    expect(messages).to_have_count(len(splits))
    # Shown as text, not dropped: the visitor sees what the model wrote.
    expect(page.locator("#messages")).to_contain_text("<script>window.__xss(12)</script>")
    expect(page.locator("#messages")).to_contain_text("<img src=x onerror=window.")


def test_markdown_renders_into_real_elements(page: Page, site) -> None:
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    text = "# Title\n\nSome **bold** and a [link](https://example.org).\n\n```py\nprint(1)\n```\n"
    page.evaluate("(chunks) => window.assistant.render(chunks)", [text[:9], text[9:31], text[31:]])
    content = page.locator("#messages .content").last
    expect(content.locator("h1")).to_have_text("Title")
    expect(content.locator("strong")).to_have_text("bold")
    link = content.get_by_role("link", name="link")
    expect(link).to_have_attribute("href", "https://example.org")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(content.locator("pre code.language-py")).to_have_text("print(1)\n")
    expect(content.get_by_role("button", name="Copy code")).to_be_visible()

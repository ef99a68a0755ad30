"""Sample answers shared by several test modules."""

from __future__ import annotations

# Every construct the renderer knows, several nested, ending with unfinished ones.
SYNTAX_DOC = """# Title with *em* and `code`

Intro **bold _nested_ text** and ~~gone~~, a [link](https://example.com/a_(b)) and
![local](/img/a.png) and ![remote](https://cdn.example/x.png), cite [1] or [2].
Bare https://example.com/path?q=1. and <https://example.com/angle> and a<br/>break,
math $x^2$ and \\(y\\), $5 is money, escaped \\*stars\\* and \\[brackets\\], x_y_z, AT&amp;T.

> quote *one*
> > nested `q`
lazy line

- item one
- [ ] task
- [x] done
  1. nested ordered
  2. second
     * deep
- after

3. start at three
4. next

```python title="x"
def f():
    return "**not bold**"
```

    indented code
    more

| Head | *Cell* |
| ---- | :----: |
| a \\| b | `c|d` |
| [l](/x) | https://t.example/ |

---
***
$$
E = mc^2
$$
Unfinished **bold and [half link and `code
"""

"""`python -m app.groq`: see app.groq.cli."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())

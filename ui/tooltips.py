"""Tooltips that show user text exactly as typed.

Qt renders a tooltip that looks like HTML as HTML, so a title such as
``<b>x</b> & <script>`` would lose its tags (and what follows). Escaped rich text
shows every character as typed, one line per argument.
"""

from __future__ import annotations

import html


def plain_tooltip(*lines: str) -> str:
    """A tooltip showing each line as plain text."""
    return "<p>" + "<br>".join(html.escape(line, quote=False) for line in lines if line) + "</p>"

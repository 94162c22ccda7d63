"""Tooltips that show user text exactly as typed.

Qt renders a tooltip that looks like HTML as HTML, so a title such as
``<b>x</b> & <script>`` would lose its tags (and what follows). Escaped rich text
shows every character as typed, one line per argument.
"""

from __future__ import annotations

# html.escape(line, quote=False), without importing html (and its entity tables) before the first paint.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plain_tooltip(*lines: str) -> str:
    """A tooltip showing each line as plain text."""
    return "<p>" + "<br>".join(line.translate(_ESCAPES) for line in lines if line) + "</p>"

"""The pack in present mode: the same HTML file with a script that shows one agenda point at a
time (left and right arrows, Page Up/Down; the page's buttons send the same moves by message)."""

from __future__ import annotations

from functools import cache

from report_builder.resources import assets_dir


@cache
def _insert() -> bytes:
    web = assets_dir() / "web"
    style = (web / "present.css").read_text(encoding="utf-8")
    script = (web / "present.js").read_text(encoding="utf-8")
    return f"<style>{style}</style>\n<script>{script}</script>\n".encode()


def presented_pack(html: bytes) -> bytes:
    """`html` with the present mode's style and script before its closing body tag (the
    pack's own policy allows its inline scripts and styles; nothing is fetched)."""
    at = html.rfind(b"</body>")
    if at < 0:
        return html + _insert()
    return html[:at] + _insert() + html[at:]

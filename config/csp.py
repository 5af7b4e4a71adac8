"""Hash sources for the Content Security Policy (read by the settings, no Django imports).

The HTML part of every email carries one fixed ``<style>`` element (templates/emails/
layout.html, no template tag inside it). Staff see that HTML in sandboxed ``srcdoc`` preview
frames, which inherit the page's policy, also when htmx swaps a new preview into a page
whose nonce it cannot know. So the policy allows exactly that stylesheet by its SHA-256 hash:
any other inline style stays refused, and an edit of the layout's styles changes the hash
with it.
"""

import base64
import hashlib
import re
from pathlib import Path

STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def style_hashes(template: Path) -> list[str]:
    """``'sha256-…'`` sources of the ``<style>`` elements of ``template``, as written."""
    text = template.read_text(encoding="utf-8")
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in STYLE_ELEMENT.findall(text)
    ]

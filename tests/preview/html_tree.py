"""Reading the preview's HTML in tests: which classes each piece of text sits in."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


def section_message(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


class Tree(HTMLParser):
    """Records, for each piece of text, the classes of the elements it sits in; and every
    element's tag and attributes (the values as a browser reads them: entities decoded)."""

    VOID = {"br", "hr", "meta", "img", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[set[str]] = []
        self.texts: list[tuple[str, list[set[str]]]] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.append((tag, dict(attrs)))
        if tag not in self.VOID:
            classes = dict(attrs).get("class") or ""
            self.stack.append(set(classes.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data, list(self.stack)))


def parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert not tree.stack, "every element is closed"
    return tree


def classes_around(tree: Tree, text: str) -> set[str]:
    """The classes around ``text`` in the message (not in the preview's notes under it)."""
    matches = [
        stack
        for data, stack in tree.texts
        if text in data and not any("pv-tools" in classes for classes in stack)
    ]
    assert len(matches) == 1, f"{text!r} found {len(matches)} times"
    return set().union(*matches[0])

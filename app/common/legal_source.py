"""The source of a legal fact (an amount, a paragraph, a deadline, a code list): every such
fact the program uses is data with one of these beside it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Where a legal fact comes from: the SFS number (and paragraph), the förarbete, a URL
    where the text was read, and a note (what the source says, or why it is not enough)."""

    sfs: str = ""
    prop: str = ""
    url: str = ""
    note: str = ""

    @classmethod
    def of(cls, data: dict | None) -> Source:
        data = data or {}
        url = data.get("url", "")
        return cls(
            data.get("sfs", ""),
            data.get("prop", ""),
            " ".join(url) if isinstance(url, list) else url,
            data.get("note", ""),
        )

    def __bool__(self) -> bool:
        return bool(self.sfs or self.prop or self.url)

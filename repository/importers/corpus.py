"""Reading the shared Thai government news corpus (one JSON object a line).

Each line: ``{"id", "date", "category", "title", "body", "source_url"}``. Files
may be plain, ``.gz`` or ``.xz``. Bad lines are reported with their line number
and skipped; they never stop the rest.
"""

import datetime
import gzip
import json
import lzma
from dataclasses import dataclass
from urllib.parse import urlparse


@dataclass(frozen=True)
class NewsRecord:
    line_number: int
    id: int
    date: datetime.date
    category: str
    title: str
    body: str
    source_url: str


class BadLine(ValueError):
    def __init__(self, line_number, message):
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number
        self.message = message


def open_text(path):
    path = str(path)
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    if path.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def parse_line(line_number, line):
    """One corpus line → NewsRecord, or BadLine saying what is wrong."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(line_number, f"not valid JSON ({error.msg})")
    if not isinstance(data, dict):
        raise BadLine(line_number, "not a JSON object")
    missing = [key for key in ("id", "date", "title", "body", "source_url") if key not in data]
    if missing:
        raise BadLine(line_number, f"missing field(s): {', '.join(missing)}")
    try:
        day = datetime.date.fromisoformat(str(data["date"]))
    except ValueError:
        raise BadLine(line_number, f"date {data['date']!r} is not YYYY-MM-DD")
    title = str(data["title"] or "").strip()
    if not title:
        raise BadLine(line_number, "empty title")
    source_url = str(data["source_url"] or "").strip()
    parsed = urlparse(source_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise BadLine(line_number, f"source_url {source_url!r} is not an http(s) URL")
    if not isinstance(data["id"], int):
        raise BadLine(line_number, f"id {data['id']!r} is not an integer")
    return NewsRecord(
        line_number=line_number,
        id=data["id"],
        date=day,
        category=str(data.get("category") or "").strip(),
        title=title,
        body=str(data["body"] or ""),
        source_url=source_url,
    )


def read_records(path):
    """Yield NewsRecord or BadLine for every non-blank line, in file order."""
    with open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse_line(line_number, line)
            except BadLine as bad:
                yield bad

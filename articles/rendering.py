"""An article body as paragraphs, with marked spans, for templates to render escaped.

Offsets are character offsets into `Article.body`; each segment keeps its own so the
browser can map a selection back to the body (see static/js/app.js).
"""

import re
from dataclasses import dataclass, field

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    href: str = ""
    label: str = ""
    ident: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    mark: Mark | None = None


@dataclass
class Paragraph:
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for match in [*PARAGRAPH_BREAK.finditer(body), None]:
        end = match.start() if match else len(body)
        chunk = body[position:end]
        stripped = chunk.strip()
        if stripped:
            start = position + chunk.index(stripped)
            spans.append((start, start + len(stripped)))
        if match:
            position = match.end()
    return spans


def _flatten(marks: list[Mark]) -> list[Mark]:
    """Sorted marks that do not overlap: a later mark is clipped where an earlier ends."""
    flat: list[Mark] = []
    cursor = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        start = max(mark.start, cursor)
        if start < mark.end:
            flat.append(Mark(start, mark.end, mark.href, mark.label, mark.ident))
            cursor = mark.end
    return flat


def paragraphs(body: str, marks: list[Mark] | tuple[Mark, ...] = ()) -> list[Paragraph]:
    flat = _flatten([m for m in marks if 0 <= m.start < m.end <= len(body)])
    result = []
    for p_start, p_end in paragraph_spans(body):
        paragraph = Paragraph(p_start, p_end)
        cursor = p_start
        for mark in flat:
            if mark.end <= p_start or mark.start >= p_end:
                continue
            m_start, m_end = max(mark.start, p_start), min(mark.end, p_end)
            if m_start > cursor:
                paragraph.segments.append(Segment(body[cursor:m_start], cursor))
            paragraph.segments.append(Segment(body[m_start:m_end], m_start, mark))
            cursor = m_end
        if cursor < p_end:
            paragraph.segments.append(Segment(body[cursor:p_end], cursor))
        result.append(paragraph)
    return result


def context_paragraphs(body: str, mark: Mark) -> list[Paragraph]:
    """Only the paragraphs that hold `mark`: a quote in its context."""
    return [p for p in paragraphs(body, [mark]) if p.start < mark.end and p.end > mark.start]

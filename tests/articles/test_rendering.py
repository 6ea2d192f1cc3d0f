from articles.rendering import Mark, context_paragraphs, paragraph_spans, paragraphs

BODY = "  First paragraph here.\n\nSecond one, with a quote.\r\n \r\nThird.\n"


def test_paragraph_spans_are_offsets_into_the_body() -> None:
    spans = paragraph_spans(BODY)
    assert [BODY[s:e] for s, e in spans] == [
        "First paragraph here.",
        "Second one, with a quote.",
        "Third.",
    ]


def test_segments_rebuild_each_paragraph_and_keep_their_offsets() -> None:
    start = BODY.index("a quote")
    result = paragraphs(BODY, [Mark(start, start + 7, "/claims/1/")])
    second = result[1]
    assert "".join(s.text for s in second.segments) == "Second one, with a quote."
    marked = [s for s in second.segments if s.mark]
    assert [(s.text, s.start) for s in marked] == [("a quote", start)]
    for paragraph in result:
        for segment in paragraph.segments:
            assert BODY[segment.start : segment.start + len(segment.text)] == segment.text


def test_a_mark_across_paragraphs_is_split_and_overlaps_are_clipped() -> None:
    start = BODY.index("here")
    end = BODY.index("one,") + 3
    overlapping = Mark(BODY.index("Second"), BODY.index("with"), "/claims/2/")
    result = paragraphs(BODY, [Mark(start, end, "/claims/1/"), overlapping])
    marked = [(s.text, s.mark.href) for p in result for s in p.segments if s.mark]
    assert marked == [("here.", "/claims/1/"), ("Second one", "/claims/1/"), (", ", "/claims/2/")]


def test_marks_outside_the_body_are_ignored() -> None:
    result = paragraphs(BODY, [Mark(5, 500), Mark(-1, 3)])
    assert not any(s.mark for p in result for s in p.segments)


def test_context_is_the_paragraph_holding_the_quote() -> None:
    start = BODY.index("quote")
    result = context_paragraphs(BODY, Mark(start, start + 5))
    assert len(result) == 1
    assert result[0].start == BODY.index("Second")

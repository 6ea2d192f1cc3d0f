"""Where a claim's quote stands in its article's text: one rule for logging a claim
(claims.services) and for highlighting it on the article page (claims.article_page)."""


def find_quote(
    body: str, quote: str, start: int | None = None, end: int | None = None
) -> tuple[int, int] | None:
    """The character span of `quote` in `body`, or None if it does not occur.

    A span (from the browser's selection, or stored with the claim) is trusted while the
    text there is the quote; otherwise, as when the article was edited after the claim was
    logged, the quote's first occurrence is used.
    """
    if not quote:
        return None
    if start is not None and end is not None and 0 <= start < end and body[start:end] == quote:
        return start, end
    # Selections can gather or lose white space at paragraph breaks.
    for text in dict.fromkeys((quote, quote.strip())):
        position = body.find(text) if text else -1
        if position >= 0:
            return position, position + len(text)
    return None

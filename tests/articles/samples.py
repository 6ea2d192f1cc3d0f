"""Article files for the parsing and importing tests."""

from pathlib import Path

from django.conf import settings

SEED = Path(settings.BASE_DIR) / "seeds" / "000_acb50f9ee6de49bb.txt"
SEED_DEK = "The American and Ukrainian presidents will sit down in the Oval Office Friday."


NEWS_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Trump and Zelensky meet at the White House | The Daily Ledger</title>
<meta name="description" content="The two presidents discussed Tomahawk missiles.">
<meta property="og:title" content="Trump and Zelensky meet at the White House">
<meta property="og:site_name" content="The Daily Ledger">
<link rel="canonical" href="https://www.ledger.example/world/trump-zelensky-meet">
<meta property="article:published_time" content="2025-10-18T14:30:00+00:00">
<meta name="author" content="Jane Reporter">
<script>window.dataLayer = [{"page": "article"}]; function track() { return 1; }</script>
<style>body { font-family: serif; }</style>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a>
<a href="/subscribe">Subscribe today for $1</a></nav></header>
<main><article>
<h1>Trump and Zelensky meet at the White House</h1>
<p class="byline">By Jane Reporter</p>
<p>President Trump met President Zelensky in the Oval Office on Friday, a day after a long
phone call with President Putin of Russia.</p>
<p>The two leaders discussed whether the United States would allow Ukraine to use
American-made <em>Tomahawk</em> missiles, which could reach deep into Russian territory.</p>
<p>Mr. Trump said he expected to meet Mr. Putin in Budapest &ldquo;within two weeks&rdquo;,
though the Kremlin had not set a date. Aides typed &lt;script&gt; into the chat.</p>
<p>Officials said a meeting of senior advisers, led by Secretary of State Marco Rubio,
would take place next week.</p>
<script>track();</script>
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten things to know</a></li></ul></aside>
<footer><p>&copy; 2025 The Daily Ledger. All rights reserved.</p></footer>
</body>
</html>
"""


def seed_text(number: int = 1, *, day: int = 17) -> str:
    return (
        f"date 2025-10-{day:02d} Dek number {number}.\n\n"
        f"First paragraph of article {number}.\n\nSecond paragraph of article {number}.\n"
    )


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path

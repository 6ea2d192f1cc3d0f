"""Find the candidate claims in a news article: what someone says will happen, and when.

``suggest_claims(text, published)`` reads an article body and returns one
``Suggestion`` per statement that something will or should happen (a
prediction, promise, plan, schedule, threat or decision under consideration),
with who said it, the time phrase in it and that phrase's window. It is pure
Python with no database access: the Celery task that stores suggestions calls
it, and so do the tests and ``bench/eval_suggestions.py``.

Conventions
-----------
* Spans (``quote_start``/``quote_end``) are character offsets into ``text``;
  ``text[quote_start:quote_end]`` is the claim's clause: the sentence without
  its attribution ("..., the minister said on Wednesday") and without the
  reporting verb in front of it ("X told reporters that ..."). A verb that is
  the commitment itself stays in the span ("promised a new route", "denied that
  the port would close"); the statement of a denial is negated ("The port will
  not close").
* ``statement`` stands alone: the attribution is dropped, a leading "he",
  "she", "I" or "it" becomes the claimant's name, reported "would" becomes
  "will". A quote that only restates an earlier suggestion of the same speaker
  (same window, or shared key words and no window) is not suggested again.
* A candidate is a clause with a future marker: "will", "won't", "shall",
  "'ll", reported "would" (not "would have"), "is going to", and the verbs of
  plans, promises and decisions ("plans to", "is set to", "is expected to",
  "expects", "promised", "vowed", "pledged", "agreed to", "is considering",
  "aims to", "is scheduled to"...). Questions, "whether"/"if" clauses that are
  only asked about, "could/might/may" speculation, and clauses governed by a
  past perfect ("had agreed that ... would") are not candidates. Denials
  ("denied that the port would close", "will not") and conditionals ("if the
  talks fail, the union will strike") are.
* The claimant is found by attribution: "X said ...", "..., said X",
  "..., X said", "according to X", a quote followed by "the president said",
  and a quote with no attribution of its own inherits the one of the quote
  before it in the paragraph. "he"/"she" point back to the last person of
  that gender (learned from Mr/Ms and from "X said she ..."), a title ("the
  minister") to the person given that title in the article, or, if none was,
  to the last person named (or, at the top of the article, the next one). A
  name is reported as its full mention: "Solvang said" gives "Ingrid
  Solvang" (a surname met first, "President Putin", takes the full name
  written later, "Vladimir Putin"); titles in front of a name are not part
  of it ("Home Affairs Minister Callum Irvine"). Organisations speak too
  ("the port authority said in a statement", "its operator said"). No
  attribution: the reporter's own claim, ``claimant=None``. With
  ``known_people`` (names and aliases of tracked people), a claimant written
  as an alias is reported as that person ("Mr. Trump" -> "Donald Trump").
* Speech time: a statement reported as made on an earlier day ("said on
  Thursday", "told reporters on Monday", "On Wednesday, X told ...", "in a
  call on Thursday") has its time phrase read from that day, found by
  ``claims.timephrases.find_time_phrases(..., backwards=True)``. A quote
  with no day of its own keeps its speaker's last stated day ("...," the
  president said, after "Mr. Trump wrote ... on Thursday"); reported speech
  with no day is read from the article's date.
* The window is that of the first time phrase in the claim's clause that is
  not about the past and comes after its future marker (one before the marker
  usually dates the act: "on Monday set a hearing for Sept. 14"), else the
  first one before it. "is considering" with no time phrase is vague.
* ``claim_type``: "prediction" for an expectation ("expects", "likely") or the
  reporter's own forecast, "other" for a decision under consideration, a
  schedule or a conditional threat, "promise" for a commitment attributed to
  someone (officials mostly announce what their side will do).
* ``score`` (0..1) grows with a firm future marker, a claimant and a dated
  window; it is a ranking aid for the editor, not a probability.

Why rules rather than a language library
----------------------------------------
What decides a claim here is a short list of English constructions (future
markers, reporting verbs, attribution before or after a quote, titles and
pronouns pointing back), and every one of them is written out above, testable
one by one and tuned on the evaluation set's dev half. A parser would still need
all of these rules on top of its output, spaCy's statistical models are not on
PyPI (they are downloaded, which we do not do at run time), and the rules run at
well over the 100 articles/s a core must deliver (``bench/README.md``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from claims.timephrases import FoundPhrase, find_time_phrases

__all__ = ["Suggestion", "suggest_claims"]


@dataclass(frozen=True)
class Suggestion:
    """One candidate claim found in an article body."""

    quote_start: int  # span in the body text: the claim's clause
    quote_end: int
    statement: str  # stands alone: attribution removed, pronouns replaced
    claimant: str | None  # a name as written in the article (full name where given)
    claim_type: str  # "prediction" | "promise" | "other" (claims.models.ClaimType values)
    time_phrase: str | None  # as it appears in the sentence
    due_date: date | None
    earliest_date: date | None
    precision: str | None
    vague: bool
    reference_date: date  # the day the phrase was read from
    reference_note: str  # "from Thu 16 Oct, when it was said" / "from the article's date, ..."
    score: float  # 0..1, higher = more likely a real claim


# --------------------------------------------------------------------------------------
# Word lists. Compiled once at import: the task runs this on every imported article.
# --------------------------------------------------------------------------------------

# Speech verbs that introduce or close an attribution. "expects"/"promised" etc. are
# triggers rather than attribution verbs: the claim keeps them ("she expected a deal").
_SPEECH_VERBS = (
    "said|says|told|tells|added|adds|announced|announces|wrote|writes|insisted|insists|"
    "warned|warns|stated|declared|declares|confirmed|confirms|explained|noted|argued|"
    "posted|tweeted|reiterated|repeated|maintained|predicted|predicts|"
    "indicated|signalled|signaled|claimed|assured|assures|"
    "acknowledged|conceded|replied|responded|recalled|estimated|"
    "projected|cautioned|threatened|threatens|denied|denies|"
    "promised|promises|pledged|pledges|vowed|vows"
)
# Verbs that carry the claim themselves when they take a "that"-clause or an object.
_COMMIT_VERBS = {
    "promised",
    "promises",
    "pledged",
    "pledges",
    "vowed",
    "vows",
    "threatened",
    "threatens",
    "denied",
    "denies",
    "predicted",
    "predicts",
    "forecast",
    "forecasts",
}

_SPEECH_RE = re.compile(rf"(?<![\w\-])(?:{_SPEECH_VERBS})\b")
_ACCORDING_RE = re.compile(r"\baccording to\b", re.I)

# Future markers. Each is (pattern, strength, kind); kind feeds the claim type.
_TRIGGERS: list[tuple[re.Pattern[str], float, str]] = [
    (re.compile(r"\b(?:will|shall|won['’]t|wo n't)\b|\w['’]ll\b", re.I), 0.85, "will"),
    (
        # "would have to" is a future obligation; "would have gone" a counterfactual past.
        re.compile(
            r"\bwould\b(?!\s+(?:not\s+)?have\s+(?!to\b))|\bwouldn['’]t\b(?!\s+have\s+(?!to\b))",
            re.I,
        ),
        0.75,
        "would",
    ),
    (re.compile(r"\b(?:is|are|was|were|'s|’s|am)\s+(?:not\s+)?going\s+to\b", re.I), 0.8, "will"),
    (
        re.compile(
            r"\b(?:plans?|planned|planning|intends?|intended|intending|aims?|aimed|aiming|"
            r"hopes?|hoped|hoping|expects?|expected|expecting|is due|are due|was due|were due|"
            r"scheduled|set|poised|slated|due|about)\s+to\b",
            re.I,
        ),
        0.75,
        "plan",
    ),
    (re.compile(r"\b(?:expects?|expected|expecting)\b", re.I), 0.7, "plan"),
    (
        re.compile(
            r"\b(?:promised|promises|pledged|pledges|vowed|vows|"
            r"committed|commits|undertook|undertakes|guaranteed|guarantees|threatened|threatens|"
            r"agreed|agrees|refuses)\s+to\b(?!\s+(?:every|all|the|a|an|his|her|its|their|our)\b)",
            re.I,
        ),
        0.8,
        "promise",
    ),
    # "promised a compensation scheme", "ruled out a freeze": the commitment is the object.
    (
        re.compile(
            r"\b(?:promised|promises|pledged|pledges|vowed|vows)\b(?!\s+to\b)"
            r"|(?<!not )(?<!never )\b(?:ruled|rules|ruling)\s+out\b",
            re.I,
        ),
        0.7,
        "promise",
    ),
    (re.compile(r"\b(?:is|are)\s+(?:now\s+|also\s+)?due\b", re.I), 0.65, "plan"),
    (
        re.compile(
            r"\b(?:is|are|was|were|'s|’s|am)\s+(?:still\s+|now\s+|actively\s+|also\s+)?"
            r"(?:considering|weighing|mulling|exploring|studying|reviewing|discussing)\b",
            re.I,
        ),
        0.6,
        "considering",
    ),
    (
        re.compile(
            r"\b(?:lists?|listed|schedules?|scheduled|slates?|slated|sets?)\b[^.;]{0,80}?\bfor\b",
            re.I,
        ),
        0.45,
        "schedule",
    ),
]
# One search per sentence before the trigger patterns are tried one by one: most
# sentences of an article have none of these words (the task reads every article).
_ANY_TRIGGER_RE = re.compile("|".join(f"(?:{p.pattern})" for p, _, _ in _TRIGGERS), re.I)
# Words without which an attribution names no speech day; saves the finder call.
_DAY_HINT_RE = re.compile(
    r"\b(?:mon|tues?|wed|thu|thurs?|fri|sat|sun)|day\b|night\b|morning\b|evening\b|"
    r"yesterday|\d|jan|feb|mar|apr|may\b|jun|jul|aug|sep|oct|nov|dec|week|earlier|last\b",
    re.I,
)
# Clause-level reasons not to suggest.
_SPECULATION_RE = re.compile(r"\b(?:could|might|may)\b", re.I)
_PAST_GOVERNOR_RE = re.compile(
    r"\bhad\s+(?:already\s+|previously\s+|earlier\s+|long\s+|never\s+)?"
    r"(?:agreed|decided|planned|expected|hoped|been)\b",
    re.I,
)
_UNSAID_RE = re.compile(
    r"\b(?:did not|didn['’]t|would not|wouldn['’]t|declined to|refused to|could not|"
    r"would neither)\s+(?:say|said|confirm|specify|disclose|comment|reveal|indicate|give)\b"
    r"|\b(?:whether|how|when|who|what|why)\b[^,;]{0,60}$",
    re.I,
)
_QUESTION_WORD_RE = re.compile(r"^\s*(?:whether|if)\b", re.I)
# A future marker that commits to nothing: refusing to say, wishes, past assumptions.
_SPEAK_OBJECT = (
    r"(?:say|comment|confirm|specify|disclose|reveal|elaborate|speculate|be\s+drawn|"
    r"give\s+(?:an?\s+|any\s+)?(?:estimate|figure|date|timetable|number|details|breakdown))\b"
)
_NO_COMMITMENT_RE = re.compile(
    rf"\b(?:would|will)\s+not\s+{_SPEAK_OBJECT}|\b(?:would|will|wo)n['’]t\s+{_SPEAK_OBJECT}"
    rf"|\b(?:none|nobody|no\s+one|neither)\b[^,;]{{0,30}}\b(?:would|will)\s+{_SPEAK_OBJECT}"
    r"|\bgoing\s+to\s+(?:pretend|say|lie|comment|speculate|guess)\b"
    r"|\bwould\s+(?:rather|like|love|prefer|welcome)\b"
    r"|\bwould\s+be\s+(?:happy|glad|delighted|pleased|willing)\b"
    r"|\b(?:assumed|imagined|wondered|supposed)\b[^.;]{0,40}\bwould\b",
    re.I,
)

# Honorifics and titles written in front of a name; not part of the name.
_HONORIFICS = {
    "mr": "m",
    "mr.": "m",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "miss": "f",
    "sir": "m",
    "dame": "f",
    "lord": "m",
    "lady": "f",
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
}
_NAME_TITLES = {
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "general",
    "state",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "governor",
    "gov.",
    "mayor",
    "commander",
    "dr",
    "dr.",
    "prof",
    "prof.",
    "professor",
    "judge",
    "justice",
    "chancellor",
    "chief",
    "executive",
    "director",
    "coach",
    "captain",
    "capt.",
    "gen.",
    "col.",
    "colonel",
    "lt.",
    "lieutenant",
    "sergeant",
    "sgt.",
    "ambassador",
    "envoy",
    "councillor",
    "councilor",
    "councilwoman",
    "councilman",
    "alderman",
    "speaker",
    "premier",
    "pope",
    "cardinal",
    "bishop",
    "rabbi",
    "imam",
    "father",
    "sister",
    "brother",
    "deputy",
    "foreign",
    "finance",
    "defence",
    "defense",
    "interior",
    "health",
    "trade",
    "energy",
    "transport",
    "education",
    "agriculture",
    "economy",
    "labour",
    "labor",
    "environment",
    "of",
    "the",
    "messrs",
    "messrs.",
    "chairman",
    "chairwoman",
    "chair",
    "superintendent",
    "commissioner",
    "inspector",
    "detective",
    "officer",
    "manager",
    "head",
    "leader",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mp",
    "mep",
    "opposition",
    "affairs",
    "home",
    "housing",
    "democracy",
    "culture",
    "sports",
}
_MALE_TITLES = {
    "spokesman",
    "chairman",
    "councilman",
    "alderman",
    "king",
    "prince",
    "father",
    "brother",
}
_FEMALE_TITLES = {"spokeswoman", "chairwoman", "councilwoman", "queen", "princess", "sister"}

# Head nouns of a title that a later mention uses alone ("the minister said").
_PERSON_TITLES = (
    "vice-president|president|prime minister|minister|secretary-general|general secretary|"
    "secretary|mediator|envoy|spokesman|spokeswoman|spokesperson|mayor|governor|"
    "commander|chief executive|executive|chief|director|chairman|chairwoman|chair|head|leader|"
    "coach|manager|senator|diplomat|delegate|chancellor|premier|judge|prosecutor|economist|"
    "analyst|researcher|scientist|professor|founder|captain|ambassador|general|administrator|"
    "superintendent|councillor|councilor|commissioner|treasurer|negotiator|owner|"
    "ceo|cfo|official|lawyer|attorney|principal|dean|organiser|organizer|curator|engineer|"
    "physician|doctor|inspector|auditor|registrar|statistician|forecaster|meteorologist|"
    "striker|midfielder|defender|goalkeeper|player|skipper|referee|chairperson|boss|"
    "epidemiologist|virologist|astronomer|geologist|biologist|historian|planner|architect|"
    "magistrate|registrar|sheriff|warden|governor-general|mp|lawmaker|legislator|trustee"
)
_ORG_TITLES = (
    "regulator|agency|authority|council|ministry|company|union|government|committee|board|"
    "office|club|team|federation|league|association|service|department|bank|firm|operator|"
    "utility|airline|group|party|court|commission|university|institute|hospital|trust|"
    "campaign|coalition|network|observatory|carrier|insurer|lender|retailer|maker|manufacturer|"
    "developer|broadcaster|newspaper|charity|organisation|organization|watchdog|body|mission|"
    "secretariat|pact|alliance|consortium|employer|supplier|producer|exchange|railway|"
    "statistics office|weather service|port|school|college|museum|library|zoo|"
    "plant|mine|factory|startup|start-up"
)
_PERSON_TITLE_RE = re.compile(rf"\b(?:{_PERSON_TITLES})\b", re.I)
_ORG_TITLE_RE = re.compile(rf"\b(?:{_ORG_TITLES})\b", re.I)

_ORG_WORDS = {
    "authority",
    "union",
    "council",
    "mission",
    "ministry",
    "office",
    "agency",
    "commission",
    "committee",
    "department",
    "bank",
    "company",
    "group",
    "party",
    "government",
    "association",
    "federation",
    "league",
    "board",
    "court",
    "parliament",
    "institute",
    "university",
    "service",
    "corporation",
    "corp",
    "inc",
    "ltd",
    "fund",
    "club",
    "team",
    "fc",
    "airlines",
    "airline",
    "police",
    "post",
    "times",
    "news",
    "trust",
    "hospital",
    "foundation",
    "organisation",
    "organization",
    "pact",
    "alliance",
    "network",
    "observatory",
    "assembly",
    "senate",
    "congress",
    "cabinet",
    "secretariat",
    "markets",
    "works",
    "railways",
    "railway",
    "energy",
    "motors",
    "holdings",
    "partners",
    "systems",
    "labs",
    "laboratories",
    "co",
    "plc",
    "ag",
    "sa",
    "nv",
    "gmbh",
    "directorate",
    "executive",
    "inspectorate",
    "regulator",
    "exchange",
    "zoo",
    "museum",
    "school",
    "college",
    "library",
    "port",
}
_PLACE_WORDS = {
    "river",
    "valley",
    "street",
    "road",
    "avenue",
    "square",
    "sea",
    "ocean",
    "island",
    "islands",
    "bay",
    "lake",
    "mountain",
    "mountains",
    "hill",
    "hills",
    "bridge",
    "park",
    "station",
    "airport",
    "stadium",
    "arena",
    "hall",
    "house",
    "centre",
    "center",
    "corridor",
    "coast",
    "city",
    "county",
    "province",
    "region",
    "district",
    "state",
    "states",
    "kingdom",
    "republic",
    "terminal",
    "harbour",
    "harbor",
    "canal",
    "tower",
    "office",
    "platform",
    "cup",
    "league",
    "games",
    "day",
    "eve",
    "week",
}
_NOT_NAMES = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "his",
    "her",
    "their",
    "our",
    "my",
    "but",
    "and",
    "or",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "on",
    "in",
    "at",
    "by",
    "for",
    "with",
    "from",
    "to",
    "of",
    "earlier",
    "later",
    "speaking",
    "asked",
    "both",
    "members",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "analysts",
    "officials",
    "investigators",
    "diplomats",
    "critics",
    "residents",
    "there",
    "no",
    "not",
    "one",
    "two",
    "some",
    "many",
    "most",
    "all",
    "every",
    "each",
    "any",
    "nobody",
    "everyone",
    "what",
    "who",
    "whether",
    "how",
    "will",
    "can",
    "yes",
    "under",
    "last",
    "next",
    "previous",
    "state",
    "wire",
}

_NAME_TOKEN = (
    r"(?:\b[A-Z][a-zA-Z'’\-]*\.?|&(?=\s+[A-Z])"
    r"|\b(?:de|van|von|der|den|da|di|du|la|le|al|bin|ibn|del|dos|das|ter)(?=\s+[A-Z]))"
)
_NAME_RUN_RE = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})*")

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "capt",
    "sgt",
    "prof",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "inc",
    "ltd",
    "co",
    "corp",
    "messrs",
    "vs",
    "approx",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "fig",
    "ave",
    "jr",
    "sr",
}

_OPEN_QUOTES = '“"'
_CLOSE_QUOTES = '”"'
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|[.!?]+[\"”’')\]]*\s*$")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_CLAUSE_SPLIT_RE = re.compile(
    r";\s+|,\s+(?:while|whereas|but|although|though)\s+|\s+but\s+"
    r"|,\s+and\s+(?=(?:the\s+|a\s+|its\s+|his\s+|her\s+|their\s+)?[\w\-’']+\s+(?:said|says|will|would|is|are|was|were)\b)"
    r"|\s+and\s+that\s+"
    r"|,?\s+and\s+(?=(?:also\s+)?(?:said|says|told|added|announced)\b)"
)
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt(d: date) -> str:
    return f"{_WEEKDAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month - 1]}"


# --------------------------------------------------------------------------------------
# Text structure: paragraphs, sentences, quotes
# --------------------------------------------------------------------------------------


@dataclass
class _Sentence:
    start: int
    end: int
    paragraph: int


def _sentences(text: str) -> list[_Sentence]:
    """Split into sentences with spans; abbreviations and initials do not end one."""
    out: list[_Sentence] = []
    seps = list(_PARAGRAPH_RE.finditer(text))
    starts = [0, *(m.end() for m in seps)]
    ends = [*(m.start() for m in seps), len(text)]
    for para_index, (para_start, para_end) in enumerate(zip(starts, ends, strict=True)):
        sent_start = _skip_space(text, para_start, para_end)
        for m in _SENTENCE_END_RE.finditer(text, sent_start, para_end):
            if m.group() == "." or m.group().startswith(". "):
                # "Mr. Trump", "D.C. for", "J. Smith": not an end, unless the paragraph ends.
                word = _LAST_WORD_RE.search(text, max(sent_start, m.start() - 12), m.start())
                if (
                    word
                    and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1)
                    and text[m.end() : para_end].strip()
                ):
                    continue
            end = m.end()
            while end > sent_start and text[end - 1].isspace():
                end -= 1
            if end > sent_start:
                out.append(_Sentence(sent_start, end, para_index))
            sent_start = _skip_space(text, m.end(), para_end)
        tail_end = para_end
        while tail_end > sent_start and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > sent_start:
            out.append(_Sentence(sent_start, tail_end, para_index))
    return out


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


_LAST_WORD_RE = re.compile(r"([A-Za-z]+)$")


def _embedded(text: str, quote: tuple[int, int]) -> bool:
    """Whether a quote continues running words ('rent controls would "shrink the supply"')
    rather than standing as a clause (after a comma, a colon, a speech verb or the
    sentence start)."""
    qs, _ = quote
    before = re.search(r"([\w'’]+)\s*$", text[max(0, qs - 40) : qs])
    return before is not None and _SPEECH_RE.fullmatch(before.group(1)) is None


def _quote_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open, close) offsets of the double-quoted stretches in one paragraph."""
    regions: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            closer = "”" if ch == "“" else '"'
            j = text.find(closer, i + 1, end)
            if j == -1:
                regions.append((i, end))
                break
            regions.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return regions


# --------------------------------------------------------------------------------------
# People and organisations
# --------------------------------------------------------------------------------------


@dataclass
class _Entity:
    name: str  # full name as first written
    last: str  # last name (persons) or the name itself (organisations)
    is_org: bool
    gender: str | None = None  # "m" | "f" | None
    titles: set[str] = field(default_factory=set)


def _title_key(words: str) -> str | None:
    """The head title of a phrase: its first person title ("the trade minister of X" ->
    "minister"), else its first organisation noun ("the state-owned company" -> "company")."""
    m = _PERSON_TITLE_RE.search(words) or _ORG_TITLE_RE.search(words)
    return m.group().lower() if m else None


def text_gap_is_subject(lead: str) -> bool:
    """Whether the words before a sentence's first name leave it the subject ("On Monday,",
    "The", a dateline), rather than an object ("the resignation of")."""
    return len(lead) < 60 and not re.search(r"\b(?:of|to|for|with|by|from|against)\s*$", lead)


def _is_org_title(key: str) -> bool:
    return _PERSON_TITLE_RE.fullmatch(key) is None


_KEEP_PERIOD = {"inc.", "ltd.", "co.", "corp.", "jr.", "sr.", "st."}


def _clean_name(run: str) -> tuple[str, str | None, list[str]] | None:
    """Strip titles and honorifics from a capitalised run; return (name, gender, titles).

    "Home Affairs Minister Callum Irvine" -> "Callum Irvine" (titles: minister);
    organisations keep every word ("Castle & Crown Bank", "Cradlewell Inc.").
    """
    tokens = run.split()
    if all(t.isupper() for t in tokens) and any(len(t) >= 5 for t in tokens):
        return None  # a dateline ("GENEVA", "VELIKO HRAD"), not a name
    gender: str | None = None
    titles: list[str] = []
    while tokens and tokens[0].lower() in _HONORIFICS:
        gender = _HONORIFICS[tokens[0].lower()]
        tokens.pop(0)
    if not _is_org(" ".join(tokens)):
        # Everything up to the last title word is a title: "Secretary of State Marco Rubio".
        last_title = -1
        for i, t in enumerate(tokens[:-1]):
            low = t.lower()
            if (
                low in _NAME_TITLES
                or low.rstrip(".") in _NAME_TITLES
                or low in _HONORIFICS
                or _PERSON_TITLE_RE.fullmatch(low)
            ):
                last_title = i
        for t in tokens[: last_title + 1]:
            low = t.lower()
            if low in _HONORIFICS:
                gender = _HONORIFICS[low]
            elif low not in {"of", "the", "&"}:
                titles.append(low)
                if low in _MALE_TITLES:
                    gender = "m"
                elif low in _FEMALE_TITLES:
                    gender = "f"
        tokens = tokens[last_title + 1 :]
    while tokens and tokens[-1].lower().rstrip(".") in {"of", "de", "van", "von", "der", "al", "&"}:
        tokens.pop()
    if not tokens or tokens[0].lower() in _NOT_NAMES or tokens[0] == "&":
        return None
    tokens[-1] = (
        re.sub(r"['’]s?$", "", tokens[-1]) if tokens[-1][-2:] in {"'s", "’s"} else tokens[-1]
    )
    name = " ".join(t if t.lower() in _KEEP_PERIOD else t.rstrip(".") for t in tokens)
    return name, gender, titles


class _People:
    """The named speakers of one article, with what later mentions point back to."""

    def __init__(self) -> None:
        self.entities: list[_Entity] = []
        self.by_key: dict[str, _Entity] = {}

    def find(self, name: str) -> _Entity | None:
        key = name.lower()
        if key in self.by_key:
            return self.by_key[key]
        last = key.split()[-1] if key else key
        for ent in self.entities:
            if not ent.is_org and ent.last.lower() == last:
                return ent
        return None

    def add(self, name: str, *, is_org: bool, gender: str | None) -> _Entity:
        ent = self.find(name)
        if ent is not None and not is_org and " " not in ent.name and " " in name:
            # "President Putin" first, "President Vladimir Putin" later: the full name.
            ent.name = name
            self.by_key[name.lower()] = ent
        if ent is None:
            tokens = name.split()
            ent = _Entity(name=name, last=name if is_org else tokens[-1], is_org=is_org)
            self.entities.append(ent)
            self.by_key[name.lower()] = ent
        if gender and not ent.gender:
            ent.gender = gender
        return ent


def _is_org(name: str) -> bool:
    """An organisation's name ends in an organisation word ("Valmora Port Authority") or has
    one before "of" ("Office of Energy Markets"); "&" joins firms ("Marlow & Finch")."""
    tokens = [
        t.lower().strip(".,").removesuffix("'s").removesuffix("’s").rstrip("'’")
        for t in name.split()
    ]
    if not tokens:
        return False
    if tokens[-1] in _ORG_WORDS or "&" in tokens:
        return True
    return any(t == "of" and i > 0 and tokens[i - 1] in _ORG_WORDS for i, t in enumerate(tokens))


def _is_place(name: str) -> bool:
    return any(t.lower() in _PLACE_WORDS for t in name.split()[1:])


@dataclass
class _Mention:
    start: int
    end: int
    entity: _Entity | None


class _Run:
    """A capitalised run of words, as re.Match would give it (start, end, group)."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start : self._end]


_CONNECTOR_RE = re.compile(r"\s+(?:of|in|for|on)\s+(?:the\s+)?")


def _org_runs(text: str, start: int, end: int) -> list[_Run]:
    """Capitalised runs, with an organisation's "of"/"in" kept inside its name: "Office of
    Energy Markets", "United Nations Mission in Kharvan"."""
    runs = [_Run(text, m.start(), m.end()) for m in _NAME_RUN_RE.finditer(text, start, end)]
    merged: list[_Run] = []
    for run in runs:
        if merged:
            prev = merged[-1]
            gap = _CONNECTOR_RE.fullmatch(text, prev.end(), run.start())
            if gap and prev.group().split()[-1].lower() in _ORG_WORDS:
                merged[-1] = _Run(text, prev.start(), run.end())
                continue
        merged.append(run)
    return merged


def _name_mentions(text: str, start: int, end: int, people: _People) -> list[_Mention]:
    """Capitalised runs in [start, end) that name a person or an organisation."""
    out: list[_Mention] = []
    for m in _org_runs(text, start, end):
        run = m.group()
        cleaned = _clean_name(run)
        lead = text[max(start, m.start() - 6) : m.start()]
        if cleaned is None:
            # "The Valmora Port Authority": drop the article and retry.
            parts = run.split(None, 1)
            if len(parts) == 2 and parts[0].lower() in {"the", "a", "an"}:
                cleaned = _clean_name(parts[1])
                if cleaned is None:
                    continue
                run_start = m.start() + len(parts[0]) + 1
                # "The United Nations", "The Valmora Port Authority": an institution.
                lead = "the "
            else:
                continue
        else:
            run_start = m.start()
        name, gender, titles = cleaned
        tokens = name.split()
        if _is_place(name) and not _is_org(name):
            continue
        org = _is_org(name) or (
            "the " in lead.lower() and len(tokens) >= 2 and not gender and not titles
        )
        if not org and (
            len(tokens) < 2 and not gender and not titles and people.find(name) is None
        ):
            continue
        if not org and _is_place(name):
            continue
        if not org and any(t.lower() in _NOT_NAMES for t in tokens):
            continue
        if org and len(tokens) < 2 and name.lower() in _ORG_WORDS:
            continue
        ent = people.find(name) if (people.find(name) and not org) else None
        if ent is not None and " " not in ent.name and len(tokens) > 1:
            ent = people.add(name, is_org=False, gender=gender)
        if ent is None:
            if not org and len(tokens) < 2:
                # A lone surname or "Mr. Putin" before any full mention: a new person.
                ent = people.add(name, is_org=False, gender=gender)
            else:
                ent = people.add(name, is_org=org, gender=gender)
        elif gender and not ent.gender:
            ent.gender = gender
        for t in titles:
            if t not in {"of", "the", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "messrs", "messrs."}:
                ent.titles.add(t.rstrip("."))
        out.append(_Mention(run_start, m.end(), ent))
    return out


# --------------------------------------------------------------------------------------
# Attribution
# --------------------------------------------------------------------------------------


@dataclass
class _Attribution:
    start: int  # span of the attribution words ("the minister said on Wednesday")
    end: int
    verb_start: int
    verb_end: int
    subject_start: int
    subject_end: int
    after: bool  # True: it closes the claim before it ("..., X said")


_CONJ_RE = re.compile(
    r"(?:while|whereas|and|but|as|although|though|because|since|when|after|before|so|adding)\s+",
    re.I,
)
_TOLD_VERBS = {"told", "tells", "assured", "assures"}
_ADVERBIALS = (
    r"\s+(?:in\s+an?\s+[\w\-’' ]{0,40}?(?:statement|interview|call|letter|post|briefing|note|speech|"
    r"message|video|filing|report|update|email|e-mail|podcast|broadcast|address|appearance|conference)"
    r"|at\s+an?\s+[\w\-’' ]{0,40}?(?:conference|briefing|meeting|rally|event|hearing|session|summit)"
    r"|on\s+(?:his|her|its|their)\s+[\w\- ]{0,30}?(?:account|platform|page|website|site|channel|feed)"
    r"|(?:late\s+|early\s+)?(?:on|last)\s+[A-Z]\w+(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:last|this|earlier\s+this)\s+(?:week|month|morning|afternoon|evening)"
    r"|yesterday|today|earlier|later|again|also|repeatedly|privately|publicly|by\s+telephone"
    r"|after\s+[\w\-’' ]{0,60}?(?=\s+that\b|,)|on\s+X|in\s+\w+)"
)
_COMPLEMENT_RE = re.compile(rf"(?:{_ADVERBIALS})*(?:\s+that\b)?")
_TOLD_COMPLEMENT_RE = re.compile(
    r"\s+(?:reporters|journalists|lawmakers|parliament|Parliament|members|staff|investors|analysts|"
    r"supporters|residents|councillors|shareholders|(?:the|a|an|his|her|its|their)\s+[\w\-’' ]{1,40}?"
    r"(?=\s+(?:that|on|in|at|by|after|late|earlier|later)\b|,)|[A-Z]\w+(?:\s+[A-Z]\w+)*)"
    rf"(?:{_ADVERBIALS})*(?:\s+that\b)?"
)
# Sentences are split already, so a period inside one is an abbreviation ("Mr. Trump").
_SUBJECT_STOP_RE = re.compile(
    r"[;:!?]|[”\"]|\bthat\b|\band\b(?=\s+(?:[a-z]))"
    r"|\b(?:after|before|when|because|since|while|although|though|unless|until)\b"
)


def _attributions(text: str, s: _Sentence) -> list[_Attribution]:
    out: list[_Attribution] = []
    for m in _SPEECH_RE.finditer(text, s.start, s.end):
        verb = m.group()
        # "has said", "had said": keep the auxiliary in the attribution.
        before = text[s.start : m.start()]
        aux = re.search(
            r"\b(?:has|have|had|also|later|previously|earlier|again|repeatedly)\s+$", before
        )
        vstart = m.start() - (len(aux.group()) if aux else 0)
        before = text[s.start : vstart]
        after_text = text[m.end() : s.end]
        # Inverted: '..., said Ingrid Solvang, the diplomat' or '," said the minister'.
        inv = re.match(
            r"\s+((?:the|a|an)\s+[^,.;]{1,60}?|[A-Z][^,.;]{1,60}?)(?=[,.;]|$)", after_text
        )
        lead = before.rstrip()
        if (
            lead.endswith((",", ",”", ',"', "”", '"'))
            and inv
            and verb not in _COMMIT_VERBS
            # '..., said the agency would ...' is "X, said <claim>", not an inverted speaker.
            and not _ANY_TRIGGER_RE.search(inv.group(1))
        ):
            subj_s = m.end() + inv.start(1)
            subj_e = m.end() + inv.end(1)
            tail = re.match(r"[^.;]*", text[subj_e : s.end])
            end = subj_e + (tail.end() if tail else 0)
            out.append(
                _Attribution(
                    vstart - (len(before) - len(lead)),
                    end,
                    vstart,
                    m.end(),
                    subj_s,
                    subj_e,
                    True,
                )
            )
            continue
        # Subject before the verb: back to the previous stop; appositives kept.
        stops = list(_SUBJECT_STOP_RE.finditer(before))
        subj_s = s.start + (stops[-1].end() if stops else 0)
        segment = text[subj_s:vstart]
        # A closing clause "..., the minister said": the subject is the last comma chunk,
        # or the last two when the verb follows an appositive comma.
        chunks = segment.split(",")
        stripped = segment.rstrip()
        keep = 3 if stripped.endswith(",") and len(chunks) >= 3 else 1
        if len(chunks) > keep:
            cut = len(",".join(chunks[:-keep])) + 1
            # A long first chunk is the claim itself ("X will happen, the minister said").
            subj_s += cut
        while subj_s < vstart and text[subj_s].isspace():
            subj_s += 1
        conj = _CONJ_RE.match(text, subj_s, vstart)
        if conj:
            subj_s = conj.end()
        subject = text[subj_s:vstart].strip(" ,")
        if len(subject) > 140 or (not subject and not re.search(r"\band\s*$", before)):
            continue
        if re.match(r"^(?:this|that|which|who|there|what)\b", subject, re.I):
            continue
        prefix = text[s.start : subj_s]
        after = (
            conj is None
            and bool(re.search(r"[,”\"]\s*$", prefix))
            and _LEAD_DAY_RE.fullmatch(prefix.strip()) is None
            and (_ANY_TRIGGER_RE.search(prefix) is not None or bool(re.search(r"[”\"]", prefix)))
        )
        # Attribution words run to the verb's complement: "told reporters on Monday that".
        comp_re = _TOLD_COMPLEMENT_RE if verb in _TOLD_VERBS else _COMPLEMENT_RE
        comp = comp_re.match(after_text)
        end = m.end() + (comp.end() if comp else 0)
        if after:
            tail = re.match(r"[^.;]*", text[m.end() : s.end])
            end = m.end() + (tail.end() if tail else 0)
        out.append(_Attribution(subj_s, end, vstart, m.end(), subj_s, vstart, after))
    for m in _ACCORDING_RE.finditer(text, s.start, s.end):
        tail = re.match(r"\s+([^,.;]+)", text[m.end() : s.end])
        if not tail:
            continue
        subj_s = m.end() + tail.start(1)
        subj_e = m.end() + tail.end(1)
        out.append(_Attribution(m.start(), subj_e, m.start(), m.end(), subj_s, subj_e, True))
    return out


# --------------------------------------------------------------------------------------
# The article reader
# --------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    start: int
    end: int
    trigger: int  # offset of the future marker
    strength: float
    kind: str
    sentence: _Sentence
    in_quote: tuple[int, int] | None


@dataclass
class _Resolved:
    at: _Attribution
    entity: _Entity | None
    day: date | None  # the speech day named in this attribution
    carried: date | None  # the speaker's last stated speech day, where none is named


_GAP_RE = re.compile(r"[\s,:;—-]*")
_LEAD_DAY_RE = re.compile(
    r"\s*(?:(?:Late|Early|Earlier|Later)\s+)?(?:[Oo]n|[Ll]ast)\s+[^,]{3,30},"
    r"|\s*(?:Yesterday|Earlier today)\b[^,]{0,20},"
)
_LEAD_WORD_RE = re.compile(r"(?:that|and|but|then)\s+")
_EDGE_CHARS = " ,;:“”\"'‘’—-\n"


class _Reader:
    def __init__(
        self, text: str, published: date, known_people: Mapping[str, str] | None = None
    ) -> None:
        self.known = _known_index(known_people or {})
        self.text = text
        self.published = published
        self.sentences = _sentences(text)
        self.people = _People()
        self.mentions: list[_Mention] = []
        self.title_holder: dict[str, _Entity] = {}
        self.speech_day: dict[int, date] = {}  # id(entity) -> last stated speech day
        self.quotes: list[tuple[int, int]] = []
        para_bounds: dict[int, tuple[int, int]] = {}
        for s in self.sentences:
            lo, hi = para_bounds.get(s.paragraph, (s.start, s.end))
            para_bounds[s.paragraph] = (min(lo, s.start), max(hi, s.end))
        self.para_quotes = {p: _quote_regions(text, lo, hi) for p, (lo, hi) in para_bounds.items()}
        for regions in self.para_quotes.values():
            self.quotes.extend(regions)
        self._collect_people()

    # -- pass 1: who is in the article ----------------------------------------------

    def _collect_people(self) -> None:
        text = self.text
        for s in self.sentences:
            names = _name_mentions(text, s.start, s.end, self.people)
            self.mentions.extend(names)
            # Appositives bind titles: "Tomas Abedi, a spokesman for ..." and
            # "The authority's chief executive, Lena Ostrova,".
            for n in names:
                if n.entity is None or n.entity.is_org:
                    continue
                after = re.match(
                    r",\s+((?:the|a|an)\s+[^,.;]{1,80}|[a-z][^,.;]{1,60})", text[n.end : s.end]
                )
                if after:
                    key = _title_key(after.group(1))
                    if key and not _is_org_title(key):
                        self.title_holder.setdefault(key, n.entity)
                        n.entity.titles.add(key)
                before = re.search(
                    r"((?:the|a|an|[A-Z]\w*(?:['’]s)?)\s+[^,.;“”\"]{0,80}),\s*$",
                    text[max(s.start, n.start - 100) : n.start],
                )
                if before:
                    key = _title_key(before.group(1))
                    if key and not _is_org_title(key):
                        self.title_holder.setdefault(key, n.entity)
                        n.entity.titles.add(key)
                # "general secretary Amara Nwosu", "Chief statistician Anneke de Vries".
                bare = re.search(
                    r"(?:^|[\s(])((?:[a-z][\w\-]*\s+){1,3})$",
                    text[max(s.start, n.start - 60) : n.start],
                )
                if bare:
                    key = _title_key(bare.group(1))
                    if key and not _is_org_title(key):
                        self.title_holder.setdefault(key, n.entity)
                        n.entity.titles.add(key)
                for t in list(n.entity.titles):
                    key = _title_key(t)
                    if key:
                        self.title_holder.setdefault(key, n.entity)
            # Gender from "X said she ...": the first pronoun after a named speaker.
            for n in names:
                if n.entity is None or n.entity.is_org or n.entity.gender:
                    continue
                pm = re.search(r"\b(he|his|him|she|her)\b", text[n.end : s.end])
                if pm and not any(o.start > n.end and o.start < n.end + pm.start() for o in names):
                    n.entity.gender = "m" if pm.group(1) in {"he", "his", "him"} else "f"
        self.mentions.sort(key=lambda mm: mm.start)
        # Sorted offsets for bisection: every look-up below stays logarithmic, so a huge
        # body is read in linear time.
        self.mention_starts = [mm.start for mm in self.mentions]
        self.quotes.sort()
        self.quote_starts = [qs for qs, _ in self.quotes]

    # -- resolution -------------------------------------------------------------------

    def _quoted(self, pos: int) -> bool:
        i = bisect_left(self.quote_starts, pos) - 1
        return i >= 0 and pos < self.quotes[i][1]

    def _before(self, pos: int) -> Iterator[_Mention]:
        """Mentions starting before ``pos``, nearest first."""
        for i in range(bisect_left(self.mention_starts, pos) - 1, -1, -1):
            yield self.mentions[i]

    def _from(self, pos: int) -> Iterator[_Mention]:
        """Mentions starting at or after ``pos``, in order."""
        for i in range(bisect_left(self.mention_starts, pos), len(self.mentions)):
            yield self.mentions[i]

    def _last_person(self, pos: int, gender: str | None, *, org: bool = False) -> _Entity | None:
        # Names inside quotes are the speaker's words: "he added" after a quote about
        # Mr. Putin is still the speaker.
        for mm in self._before(pos):
            if mm.entity is None or (self._quoted(mm.start) and not self._quoted(pos)):
                continue
            ent = mm.entity
            if ent.is_org != org:
                continue
            if gender and ent.gender and ent.gender != gender:
                continue
            return ent
        return None

    def _next_person(self, pos: int) -> _Entity | None:
        for mm in self._from(pos + 1):
            if mm.entity is not None and not mm.entity.is_org:
                return mm.entity
        return None

    def _next_org(self, pos: int) -> _Entity | None:
        for mm in self._from(pos + 1):
            if mm.entity is not None and mm.entity.is_org:
                return mm.entity
        return None

    def _sentence_subject(self, sent_start: int, pos: int) -> _Entity | None:
        """The entity named first in a sentence, before ``pos`` ("Tallyfold ... plans to")."""
        for mm in self._from(sent_start):
            if mm.start >= pos:
                break
            if mm.entity is not None:
                if text_gap_is_subject(self.text[sent_start : mm.start]):
                    return mm.entity
                return None
        return None

    def _org_for_title(self, key: str, start: int, end: int, sent_start: int) -> _Entity | None:
        """An organisation noun ("the company", "its operator") to the organisation meant."""
        for mm in self._before(start):
            if mm.entity is not None and mm.entity.is_org and key in mm.entity.name.lower():
                return mm.entity
        for ent in self.people.entities:
            if ent.is_org and key in ent.name.lower():
                return ent
        # "Halvard Robotics expects ..., the automation company said": the sentence's own
        # subject, when it is not a known person.
        subj = self._sentence_subject(sent_start, start)
        if subj is not None and (subj.is_org or not (subj.gender or subj.titles)):
            return subj
        return self._last_person(start, None, org=True) or self._next_org(end)

    def resolve_subject(
        self, start: int, end: int, sent_start: int | None = None
    ) -> _Entity | None:
        """The entity a subject phrase names or points back to."""
        text = self.text
        sent_start = start if sent_start is None else sent_start
        names = []
        for mm in self._from(start):
            if mm.start >= end:
                break
            if mm.end <= end and mm.entity is not None:
                names.append(mm)
        people = [mm for mm in names if not mm.entity.is_org]  # type: ignore[union-attr]
        phrase = text[start:end].strip()
        low = phrase.lower()
        if people and not re.match(r"^\S+['’]s\s", phrase):
            return people[0].entity
        if people:
            # "Nordvolt Energy's chief executive, Hanne Ribe": the person, not the owner.
            return people[-1].entity
        if not phrase:
            # "X agreed to buy Y ... and said it expected ...": the sentence's subject, a
            # name or a title ("A magistrate on Monday set ... and said she would ...").
            subj = self._sentence_subject(sent_start, start)
            if subj is not None:
                return subj
            opening = " ".join(text[sent_start:start].split()[:4])
            key = _title_key(opening)
            return self.title_holder.get(key) if key else None
        pm = re.match(r"^(he|she|they|it|i|we|his|her|its)\b", low)
        if pm:
            p = pm.group(1)
            if p in {"he", "she", "his", "her"}:
                # "his office said": the person "his" points to speaks through it.
                return self._last_person(start, "m" if p in {"he", "his"} else "f")
            if p in {"it", "its"}:
                key = _title_key(phrase)
                if p == "its" and key and not _is_org_title(key):
                    # "its chairman said": the person with that title, named before or
                    # just after.
                    return (
                        self.title_holder.get(key)
                        or self._last_person(start, None)
                        or self._next_person(end)
                    )
                if p == "its" and key:
                    return self._org_for_title(key, start, end, sent_start)
                subj = self._sentence_subject(sent_start, start)
                if subj is not None and subj.is_org:
                    return subj
                lead_key = _title_key(text[sent_start : min(start, sent_start + 60)])
                if lead_key and _is_org_title(lead_key):
                    return self._org_for_title(lead_key, start, end, sent_start)
                return self._last_person(start, None, org=True)
            return None
        key = _title_key(phrase)
        if names and (key is None or names[0].entity.is_org):  # type: ignore[union-attr]
            return names[0].entity
        if key:
            holder = self.title_holder.get(key)
            if holder is not None:
                return holder
            if _is_org_title(key):
                return self._org_for_title(key, start, end, sent_start)
            if re.match(r"^(?:an?|one)\b", low):
                # "a hydrologist said": an unnamed source, unless the article names the
                # holder of that title elsewhere ("A magistrate ... The magistrate, X,").
                return None
            ent = self._last_person(start, None) or self._next_person(end)
            if ent is not None:
                self.title_holder[key] = ent
            return ent
        if names:
            return names[0].entity
        return None

    # -- speech time ------------------------------------------------------------------

    def _speech_day(self, start: int, end: int) -> date | None:
        """A day named in attribution words ("said on Thursday"), read backwards."""
        chunk = self.text[start:end]
        if start >= end or not _DAY_HINT_RE.search(chunk):
            return None
        for fp in find_time_phrases(chunk, self.published, backwards=True):
            w = fp.window
            if (
                w.recognised
                and w.due_date
                and w.precision == "day"
                and w.due_date <= self.published
            ) and (w.earliest_date is None or w.earliest_date == w.due_date):
                return w.due_date
        return None

    # -- candidates -------------------------------------------------------------------

    def candidates(self, s: _Sentence, quotes: list[tuple[int, int]]) -> list[_Candidate]:
        text = self.text
        body = text[s.start : s.end]
        if body.rstrip("”\"’' )").endswith("?") or not _ANY_TRIGGER_RE.search(body):
            return []
        out: list[_Candidate] = []
        # Clause pieces of the sentence; a quote boundary also splits.
        cuts = {s.start, s.end}
        for m in _CLAUSE_SPLIT_RE.finditer(text, s.start, s.end):
            cuts.add(m.start())
            cuts.add(m.end())
        for qs, qe in quotes:
            if s.start < qs < s.end:
                cuts.add(qs)
            if s.start < qe < s.end:
                cuts.add(qe)
        points = sorted(cuts)
        for a, b in zip(points, points[1:], strict=False):
            piece = text[a:b]
            if not _ANY_TRIGGER_RE.search(piece):
                continue
            best: tuple[float, str, int] | None = None
            for pat, strength, kind in _TRIGGERS:
                tm = pat.search(piece)
                if tm and (best is None or strength > best[0]):
                    best = (strength, kind, a + tm.start())
            if best is None:
                continue
            strength, kind, tpos = best
            before = text[a:tpos]
            if _SPECULATION_RE.search(text[max(a, tpos - 30) : tpos + 1]) and kind not in {"will"}:
                continue
            if _PAST_GOVERNOR_RE.search(before):
                continue
            if _UNSAID_RE.search(before) or _NO_COMMITMENT_RE.search(text, a, min(b, tpos + 40)):
                continue
            if _QUESTION_WORD_RE.match(piece) and not re.search(r",\s*\w", piece):
                continue
            if (
                kind == "plan"
                and re.search(r"\b(?:hoped|expected|planned|aimed|intended)\s+to\b", piece)
                and re.search(r"\bhad\b", before)
            ):
                continue
            in_quote = next(((qs, qe) for qs, qe in quotes if qs <= tpos < qe), None)
            out.append(_Candidate(a, b, tpos, strength, kind, s, in_quote))
        return out

    # -- main -------------------------------------------------------------------------

    def suggest(self) -> list[Suggestion]:
        text = self.text
        para_quotes = self.para_quotes

        # Pass A, in reading order: attributions, their speakers and speech days, and who
        # speaks each quote. Done before any claim is read because a quote's attribution
        # often sits in its last sentence.
        per_sentence: list[list[_Resolved]] = []
        quote_speaker: dict[tuple[int, int], _Resolved] = {}
        for s in self.sentences:
            quotes = para_quotes[s.paragraph]
            attrs = [
                at
                for at in _attributions(text, s)
                # Attribution words inside a quote are the speaker's words, not ours.
                if not any(qs < at.verb_start < qe for qs, qe in quotes)
            ]
            resolved: list[_Resolved] = []
            for at in attrs:
                ent = self.resolve_subject(at.subject_start, at.subject_end, s.start)
                day = self._speech_day(at.start, at.end)
                if day is None and not at.after:
                    # "On Wednesday, X told reporters that ...": the day opens the sentence.
                    lead = _LEAD_DAY_RE.match(text, s.start, at.subject_start)
                    if lead:
                        day = self._speech_day(s.start, lead.end())
                carried = None
                if ent is not None:
                    if day is not None:
                        self.speech_day[id(ent)] = day
                    else:
                        carried = self.speech_day.get(id(ent))
                resolved.append(_Resolved(at, ent, day, carried))
            per_sentence.append(resolved)
            for q in quotes:
                qs, qe = q
                if qe <= s.start or qs >= s.end or q in quote_speaker:
                    continue
                for r in resolved:
                    at = r.at
                    if at.start >= qe - 1 and _GAP_RE.fullmatch(text, qe, at.start):
                        quote_speaker[q] = r
                        break
                    if at.end <= qs + 1 and _GAP_RE.fullmatch(text, at.end, qs):
                        quote_speaker[q] = r
                        break
        # A quote with no attribution of its own continues the one before it (in the
        # paragraph, or the last quote of the previous paragraph).
        last: _Resolved | None = None
        last_para = -1
        for p in sorted(para_quotes):
            for q in para_quotes[p]:
                if q in quote_speaker:
                    last, last_para = quote_speaker[q], p
                elif last is not None and p - last_para <= 1:
                    quote_speaker[q] = last

        results: list[Suggestion] = []
        by_claimant: dict[str, list[Suggestion]] = {}
        for s, resolved in zip(self.sentences, per_sentence, strict=True):
            # A few quoted words inside a reported sentence ('said rent controls would
            # "choke supply"') are part of its clause, not a clause of their own.
            quotes = [q for q in para_quotes[s.paragraph] if not _embedded(text, q)]
            for cand in self.candidates(s, quotes):
                one = self._suggest_one(cand, resolved, quote_speaker)
                if one is None:
                    continue
                # News copy states a claim, then quotes the speaker saying it again: one
                # claim per checkable event, at its first statement. Only the speaker's
                # last few claims are compared, so a huge body stays linear.
                earlier = by_claimant.setdefault(one.claimant or "", [])
                if any(_restates(k, one) for k in earlier[-_RESTATE_WINDOW:]):
                    continue
                earlier.append(one)
                results.append(one)
        return results

    def _suggest_one(
        self,
        cand: _Candidate,
        resolved: list[_Resolved],
        quote_speaker: dict[tuple[int, int], _Resolved],
    ) -> Suggestion | None:
        text = self.text
        start, end = cand.start, cand.end
        chosen: _Resolved | None = None
        day: date | None = None
        denied = False
        if cand.in_quote is not None:
            qs, qe = cand.in_quote
            start, end = max(start, qs + 1), min(end, qe - 1)
            chosen = quote_speaker.get(cand.in_quote)
            if chosen is not None:
                # Direct speech without a day of its own keeps the speaker's last stated day.
                day = chosen.day or chosen.carried
        else:
            chosen = self._attribution_for(cand, resolved)
            if chosen is not None:
                at = chosen.at
                day = chosen.day
                # Cut the attribution words out of the claim's span; a commitment verb
                # ("promised a new scheme") stays in it.
                if at.verb_start <= cand.trigger < at.verb_end:
                    start = max(start, cand.trigger)
                elif not at.after and _DENIAL_RE.search(text, at.verb_start, at.verb_end):
                    # "denied that the port would close": the quote keeps the denial.
                    denied = True
                    start = max(start, at.verb_start)
                elif at.after and start <= at.start < end:
                    end = at.start
                elif not at.after and start <= at.end <= end and at.verb_start >= start:
                    start = at.end
        speaker = chosen.entity if chosen is not None else None
        if chosen is None and cand.kind != "will" and cand.kind != "would":
            # "Tallyfold plans to list ...", "Judge X set sentencing for June 3": a plan,
            # promise or decision with a named subject is that subject's own claim.
            speaker = self._sentence_subject(cand.start, cand.trigger)
        # Trim punctuation and quote marks at the edges, and lead-in words.
        while start < end and text[start] in _EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in _EDGE_CHARS + ".":
            end -= 1
        lead = _LEAD_WORD_RE.match(text, start, end)
        if lead:
            start = lead.end()
        clause = text[start:end]
        if end - start < 8 or not _ANY_TRIGGER_RE.search(clause):
            return None
        reference = day or self.published
        # The claim's own phrase follows its future marker; one before it usually dates
        # the act or the speech ("A magistrate on Monday set a hearing for Sept. 14").
        marker = cand.trigger - start
        found = [
            fp
            for fp in find_time_phrases(clause, reference)
            if fp.window.recognised and not fp.past
        ]
        after = [fp for fp in found if fp.start >= marker]
        phrase: FoundPhrase | None = after[0] if after else (found[0] if found else None)
        vague = phrase.window.vague if phrase else cand.kind == "considering"
        due = phrase.window.due_date if phrase else None
        earliest = phrase.window.earliest_date if phrase else None
        precision = phrase.window.precision if phrase else None
        score = cand.strength
        if speaker is not None:
            score += 0.08
        if due is not None:
            score += 0.07
        if reference == self.published:
            note = f"from the article's date, {_fmt(reference)}"
        else:
            note = f"from {_fmt(reference)}, when it was said"
        return Suggestion(
            quote_start=start,
            quote_end=end,
            statement=self._statement(
                clause,
                self._claimant_name(speaker),
                speaker is not None and speaker.is_org,
                denied=denied,
            ),
            claimant=self._claimant_name(speaker),
            claim_type=self._claim_type(clause, cand.kind, speaker),
            time_phrase=phrase.text if phrase else None,
            due_date=due,
            earliest_date=earliest,
            precision=precision,
            vague=vague,
            reference_date=reference,
            reference_note=note,
            score=round(max(0.0, min(1.0, score)), 3),
        )

    def _claimant_name(self, speaker: _Entity | None) -> str | None:
        """The name as written (full name where given), or the known person it is an alias of."""
        if speaker is None:
            return None
        for key in (speaker.name.lower(), speaker.last.lower()):
            if key in self.known:
                return self.known[key]
        return speaker.name

    @staticmethod
    def _attribution_for(cand: _Candidate, resolved: list[_Resolved]) -> _Resolved | None:
        """The attribution that covers a reported clause, nearest first."""
        # "X promised a new scheme": the speech verb is the commitment itself.
        for r in resolved:
            if r.at.verb_start <= cand.trigger < r.at.verb_end:
                return r
        # "X said (that) <claim>" inside the clause, before the future marker.
        inside = [
            r for r in resolved if not r.at.after and cand.start <= r.at.verb_start < cand.trigger
        ]
        if inside:
            return inside[-1]
        # "<claim>, the minister said": the attribution closes this clause.
        for r in resolved:
            if r.at.after and cand.trigger <= r.at.start <= cand.end + 3:
                return r
        # "X said <claim 1>, and that <claim 2>" or "<claim 1>, X said, and <claim 2>": the
        # last one before the clause.
        before = [r for r in resolved if r.at.verb_end <= cand.start]
        if before:
            return before[-1]
        for r in resolved:
            if r.at.start >= cand.end - 1:
                return r
        return None

    @staticmethod
    def _claim_type(clause: str, kind: str, speaker: _Entity | None) -> str:
        """promise: what the speaker or their side will do; prediction: what someone
        expects to happen, or the reporter's own forecast; other: schedules, decisions
        under consideration, conditional threats."""
        if _EXPECT_RE.search(clause):
            return "prediction"
        if kind in {"considering", "schedule"} or (
            speaker is not None and _CONDITION_RE.search(clause) and not _OWN_SIDE_RE.match(clause)
        ):
            return "other"
        # Officials and organisations mostly announce what their side will do: a
        # statement attributed to one is a promise unless it voices an expectation.
        if kind == "promise" or speaker is not None:
            return "promise"
        return "prediction"

    @staticmethod
    def _statement(clause: str, name: str | None, is_org: bool, *, denied: bool = False) -> str:
        s = " ".join(clause.split())
        # "At the end of the call, we agreed that there will be ...": the content only.
        lead = re.match(
            r"^.{0,80}?\b(?:agreed|said|says|announced|believes?|think|thinks|expects?|hopes?|"
            r"promised|warned|confirmed|insisted|added|denied|denies)\s+that\s+",
            s,
        )
        if lead and _ANY_TRIGGER_RE.search(s, lead.end()):
            s = s[lead.end() :]
        if name is not None and _VERB_FIRST_RE.match(s):
            s = f"{name} {s}"  # "promised a new scheme" -> "X promised a new scheme"
        if name is not None:
            s = re.sub(r"^(?:he|she|I)\b", name, s)
            s = re.sub(r"^(?:his|her|my)\s+", f"{name}'s ", s)
            s = re.sub(r"^(?:it|It)\b", name, s) if is_org else s
            s = re.sub(r"\band I\b", f"and {name}", s)
            s = re.sub(r"^I\s+and\b", f"{name} and", s)
        # Reported speech back to direct future: "she would travel" -> "... will travel".
        s = re.sub(r"\bwould not\b", "will not", s, count=1)
        s = re.sub(r"\bwould\b(?!\s+have)", "will", s, count=1)
        if denied:
            # "denied that the port would close": the claim is that it will not.
            if re.search(r"\bwill not\b", s):
                s = re.sub(r"\bwill not\b", "will", s, count=1)
            else:
                s = re.sub(r"\bwill\b", "will not", s, count=1)
        if s and s[0].islower():
            s = s[0].upper() + s[1:]
        if s and s[-1] not in ".!?":
            s += "."
        return s


_RESTATE_WINDOW = 12
_EXPECT_RE = re.compile(
    r"\b(?:expects?|expected|expecting|hopes?|hoped|likely|confident|predicts?|predicted|"
    r"forecasts?|believes?|believed)\b",
    re.I,
)
_CONDITION_RE = re.compile(r"\b(?:if|unless)\b", re.I)
# The speaker's own side as the clause's subject: "we", "his government", "the company".
_OWN_SIDE_RE = re.compile(
    r"(?:I|we|he|she|it|they|his|her|its|our|my|their|the\s+(?:government|company|ministry|"
    r"office|council|party|authority|agency|board|bank|club|team|firm|union|department|"
    r"city|state|administration|regulator|commission)|ministers)\b",
    re.I,
)
_DENIAL_RE = re.compile(r"\bden(?:ied|ies|y)\b")
_VERB_FIRST_RE = re.compile(
    r"(?:promised|promises|pledged|pledges|vowed|vows|ruled|rules|threatened|threatens|"
    r"denied|denies|predicted|predicts|forecast)\b"
)
_STOP_WORDS = frozenset(
    [
        "would",
        "will",
        "could",
        "should",
        "their",
        "there",
        "about",
        "which",
        "after",
        "before",
        "these",
        "those",
        "every",
        "other",
        "being",
        "while",
        "since",
        "until",
        "again",
        "still",
        "first",
        "last",
        "years",
        "months",
        "weeks",
        "where",
        "whether",
    ]
)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in _STOP_WORDS}


def _restates(first: Suggestion, later: Suggestion) -> bool:
    """Whether ``later`` repeats ``first``: same claimant and same window, or, with no
    window, shared key words ("denied the army would launch an offensive" ... "There will
    be no offensive")."""
    if first.claimant is None or first.claimant != later.claimant:
        return False
    if later.due_date is not None:
        return (first.due_date, first.earliest_date) == (later.due_date, later.earliest_date)
    if first.due_date is not None or first.vague != later.vague:
        return False
    shared = (_content_words(first.statement) & _content_words(later.statement)) - _content_words(
        first.claimant
    )
    # The restatement follows closely (the quote after the reported claim); further away it
    # takes more than one shared word to be the same event.
    return len(shared) >= 2 or (len(shared) == 1 and later.quote_start - first.quote_end < 400)


def _known_index(known_people: Mapping[str, str]) -> dict[str, str]:
    """alias -> name, plus each name and each unambiguous surname, all lower-cased."""
    index: dict[str, str] = {}
    surnames: dict[str, set[str]] = {}
    for alias, name in known_people.items():
        for key in (alias, name):
            cleaned = _clean_name(key)
            for k in {key.lower(), cleaned[0].lower() if cleaned else key.lower()}:
                index.setdefault(k, name)
        surnames.setdefault(name.split()[-1].lower(), set()).add(name)
    for surname, names in surnames.items():
        if len(names) == 1:
            index.setdefault(surname, next(iter(names)))
    return index


def suggest_claims(
    text: str, published: date, *, known_people: Mapping[str, str] | None = None
) -> list[Suggestion]:
    """The candidate claims in an article body ``text`` published on ``published``.

    ``known_people`` maps names and aliases of people already tracked to their name
    ({"Mr. Trump": "Donald Trump", ...}, from Person and its aliases): a claimant
    found in the text under one of them is reported under that name. Without it,
    the claimant is the name as the article writes it.

    Suggestions come in the order of the text; each one's span is a clause of
    ``text``. Never raises on any string.
    """
    if not text or not text.strip():
        return []
    return _Reader(text, published, known_people).suggest()


def quote_time_phrase(quote: str, reference: date) -> FoundPhrase | None:
    """The time expression a claim logged from `quote` would use, or None.

    The claim form pre-fills its time phrase with this, never with the whole quote, so
    stray words ("...restore Sunday opening...") decide nothing. The same choice as a
    suggestion's: the first phrase about the future after the quote's future marker, else
    the first about the future at all.
    """
    found = [
        fp for fp in find_time_phrases(quote, reference) if fp.window.recognised and not fp.past
    ]
    marker = _ANY_TRIGGER_RE.search(quote)
    after = [fp for fp in found if marker is None or fp.start >= marker.start()]
    return after[0] if after else (found[0] if found else None)

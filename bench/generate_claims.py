"""Load a newsroom-sized data set into PostgreSQL with COPY: the dashboard benchmarks run on it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtrack_bench1m \\
        python bench/generate_claims.py [--claims 1000000] [--articles 100000] [--seed 4]
                                        [--truncate] [--no-events] [--no-reminders]

Writes 50 outlets, ARTICLES articles, 2,000 claimants (aliases for the first 300), 200
reviewers (group Reviewers) and 5 editors (group Editors), all with the password
BENCH_PASSWORD below, 30 tags, CLAIMS claims, tags on ~30% of the claims, and by default one
`status_changed` event per resolved claim and the reminders already sent for today's overdue
claims. Skipped on purpose, to stay fast: `created` and `assigned` events (a claim's
timeline holds only its resolution), evidence rows, snooze and deadline-change events.

Spread of the claims (of all): ~72% resolved (fulfilled, partly, not fulfilled with a reason
code, unresolvable, void, withdrawn; outcome date and resolved_at consistent with the article
date and today), ~5% open and overdue (due over the past two years, denser recently), ~18%
open and due today or later (~2% within 7 days), ~5% open without a date; 3 in 5 open claims
assigned, skewed (Zipf) over the reviewers, as are claimants, outlets and tags.

Everything happens in one transaction: TRUNCATE (so COPY ... FREEZE writes rows already
frozen and all-visible), drop the indexes that back no constraint, binary COPY of every
table, rebuild those indexes, `setval` of every sequence, an integrity check, the kept
scorecard counts recomputed (claims.scorecard_counts.rebuild_statements), COMMIT, then
VACUUM ANALYZE. Foreign-key triggers are off for this transaction only (SET LOCAL
session_replication_role = replica); the integrity check runs one anti-join per foreign
key instead, and checks every quote span against its article body. CHECK constraints,
primary keys and unique constraints are enforced during COPY. A failure rolls everything
back, indexes included: nothing is dropped or disabled beyond the transaction.

Dates are relative to today in TIME_ZONE (claims.models.newsroom_today), so the spread holds
on the day of loading and drifts as days pass (claims due soon become overdue): reload. The
same seed on the same day gives the same data. Refuses SQLite, and refuses a database that
already holds articles, claims or users unless --truncate is given (which empties those
tables and everything that points at them).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from articles.models import content_hash  # noqa: E402
from claims.models import ClaimStatus, newsroom_today  # noqa: E402
from claims.scorecard_counts import (  # noqa: E402
    COUNT_TABLE,
    PAIR_TABLE,
    TOTAL_TABLE,
    rebuild_statements,
)

BENCH_PASSWORD = "claimtrack-bench"  # noqa: S105 - a throw-away benchmark database
N_OUTLETS = 50
N_PEOPLE = 2_000
N_REVIEWERS = 200
N_EDITORS = 5
ARCHIVE_DAYS = 4 * 365  # articles go back four years, denser recently
LAYOUTS = 400  # distinct article bodies, each made unique by a numbered header line
UTC = dt.UTC

# Tables the loader empties (TRUNCATE ... CASCADE also empties whatever points at them).
TABLES = [
    "articles_outlet",
    "articles_article",
    "claims_person",
    "claims_personalias",
    "claims_tag",
    "claims_claim",
    "claims_claim_tags",
    "claims_claimevent",
    "claims_evidence",
    "claims_reminder",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
]

# The large tables: their secondary indexes are built after COPY rather than during it.
BIG_TABLES = [
    "articles_article",
    "claims_claim",
    "claims_claim_tags",
    "claims_claimevent",
    "claims_reminder",
]

ARTICLE_COLUMNS = (
    "id, title, dek, body, url, published_date, authors, language, source_kind, source, "
    "content_hash, created_by_id, created_at, updated_at, outlet_id"
)
CLAIM_COLUMNS = (
    "id, article_id, statement, quote, quote_start, quote_end, claimant_id, claim_type, "
    "time_phrase, earliest_date, due_date, precision, vague, resolution_criteria, status, "
    "reason_code, outcome_date, outcome_note, resolved_at, resolved_by_id, assignee_id, "
    "snoozed_until, version, created_by_id, created_at, updated_at, next_reminder_on, "
    "published_at, public_note"
)
REMINDER_COLUMNS = (
    "id, claim_id, recipient_id, due_date, step, escalation, channel, created_at, sent_at, "
    "read_at, attempts, last_error"
)

# --- Word lists ---------------------------------------------------------------------------

CITIES = [
    "Northport", "Riverton", "Lakeside", "Eastfield", "Westbury", "Kingsbridge", "Ashford",
    "Millbrook", "Fairhaven", "Stonegate", "Harborview", "Clearwater", "Oakridge", "Pinecrest",
    "Redcliff", "Silverton", "Brookfield", "Elmstead", "Highmoor", "Glenwood", "Marlow",
    "Cedar Falls", "Dunmore", "Easton", "Fenwick",
]  # fmt: skip
PAPERS = ["Ledger", "Herald", "Chronicle", "Gazette", "Observer", "Post", "Tribune", "Courier"]
FIRST_NAMES = [
    "Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemi",
    "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar",
    "Vera", "Wen", "Ximena", "Yusuf", "Zofia", "Aisha", "Bruno", "Chloe", "Dmitri", "Esther",
    "Felix", "Gita", "Hassan", "Ingrid", "Jamal", "Keiko", "Luca", "Mariam", "Nils", "Oren",
    "Priya", "Rafael", "Sofia", "Tomas", "Ulla", "Viktor", "Wanjiru", "Yara", "Zane",
]  # fmt: skip
LAST_NAMES = [
    "Álvarez", "Okafor", "Lindqvist", "Nakamura", "Novak", "Haddad", "Kowalski", "Moreau",
    "Schmidt", "Rossi", "Ivanova", "Mensah", "Fernandes", "O'Brien", "Tanaka", "Kaur",
    "Jensen", "Petrov", "Dubois", "Costa", "Abebe", "Larsen", "Müller", "Santos", "Yilmaz",
    "Nguyen", "Kim", "Chen", "García", "Smith", "Brown", "Wilson", "Dlamini", "Hoffmann",
    "Eriksen", "Romano", "Papadopoulos", "Horvat", "Bianchi", "Sato", "Ortiz", "Reyes",
    "Weber", "Lambert", "Bakker", "Silva", "Murphy", "Walsh", "Ahmed", "Ali",
]  # fmt: skip
ROLES = [
    "President", "Prime minister", "Finance minister", "Mayor of {city}", "Senator",
    "Governor", "Chief executive", "Central bank governor", "Health secretary",
    "Union leader", "Opposition leader", "Spokesperson", "Transport commissioner",
]  # fmt: skip
TAGS = [
    "Foreign policy", "Economy", "Trade", "Defence", "Health", "Energy", "Climate",
    "Transport", "Housing", "Education", "Elections", "Immigration", "Justice", "Technology",
    "Budget", "Taxes", "Infrastructure", "Diplomacy", "Sanctions", "Labour", "Agriculture",
    "Culture", "Sport", "Science", "Space", "Security", "Courts", "Media", "Local government",
    "Business",
]  # fmt: skip
SUBJECTS = [
    "the two leaders", "the government", "the ministry", "the company", "the delegations",
    "negotiators", "the city council", "the central bank", "the coalition", "the agency",
    "the union", "the regulator", "parliament", "the committee",
]  # fmt: skip
ACTIONS = [
    "will meet in Budapest", "will sign the trade agreement", "will publish the budget",
    "will lift the sanctions", "will open the new bridge", "will hold a referendum",
    "will decide on the missile request", "will cut interest rates", "will end the strike",
    "will announce a ceasefire", "will reopen the railway line", "will pass the housing law",
    "will hire 2,000 workers", "will release the inquiry report", "will name a new chief",
    "will raise the minimum wage", "will close the coal plant", "will finish the stadium",
    "will resume the talks", "will deliver the vaccines", "will balance the budget",
    "will approve the merger", "will launch the satellite", "will lower fuel taxes",
    "will present the climate plan", "will sign the peace accord", "will hold early elections",
    "will return the artefacts", "will cap rents", "will publish the audit",
]  # fmt: skip
# (time phrase as written, precision, days the window spans: earliest_date = due - span)
DATED_PHRASES = [
    ("on Friday", "day", 0), ("tomorrow", "day", 0), ("on Monday", "day", 0),
    ("in the coming days", "day", 0), ("by the 15th", "day", 0), ("within 48 hours", "day", 0),
    ("next week", "week", 6), ("within the next two weeks", "week", 13),
    ("before the end of the week", "week", 6), ("in the week ahead", "week", 6),
    ("by the end of the month", "month", 29), ("next month", "month", 29),
    ("within a month", "month", 29), ("in the third quarter", "quarter", 90),
    ("before the summer", "quarter", 90), ("by spring", "quarter", 90),
    ("before the end of the year", "year", 364), ("next year", "year", 364),
]  # fmt: skip
UNDATED_PHRASES = ["eventually", "at some point", "in due course", "sooner or later", ""]
SAYS = ["said", "promised", "told reporters", "insisted", "predicted", "confirmed", "announced"]
FILLER = [
    "The announcement followed weeks of speculation in the capital.",
    "Critics said the plan lacked detail and questioned how it would be paid for.",
    "Officials declined to comment on the timetable when asked on Thursday.",
    "Markets reacted calmly to the news, with shares little changed by the close.",
    "The opposition called for an independent review of the proposals.",
    "Earlier attempts at an agreement collapsed in the spring amid mutual recriminations.",
    "Analysts cautioned that similar promises had been made before and not kept.",
    "Residents interviewed in the city centre were divided on the decision.",
]  # fmt: skip
NOTES = [
    "Confirmed by the official statement.",
    "Reported by several outlets on the day.",
    "The event was called off without explanation.",
    "Only part of the plan went ahead.",
    "No public record either way.",
    "",
]
STATUS_WEIGHTS = {  # among resolved claims
    ClaimStatus.FULFILLED: 40,
    ClaimStatus.PARTLY_FULFILLED: 11,
    ClaimStatus.NOT_FULFILLED: 30,
    ClaimStatus.UNRESOLVABLE: 8,
    ClaimStatus.VOID: 6,
    ClaimStatus.WITHDRAWN: 5,
}
REASON_WEIGHTS = {"cancelled": 30, "postponed": 35, "reversed": 10, "no_action": 20, "other": 5}
# Share of all claims per bucket: resolved, open and overdue, open and due today or later,
# open without a date.
BUCKETS = {"resolved": 0.72, "overdue": 0.05, "future": 0.18, "undated": 0.05}


def zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))


class Timer:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.rows: list[tuple[str, int, float]] = []

    def step(self, name: str, rows: int, since: float) -> None:
        seconds = time.perf_counter() - since
        self.rows.append((name, rows, seconds))
        rate = f"{rows / seconds:>10,.0f} rows/s" if rows and seconds else ""
        print(f"  {name:<44} {rows:>10,} rows {seconds:>7.2f} s {rate}", flush=True)

    def total(self) -> float:
        return time.perf_counter() - self.started


def column_types(cursor: Any, table: str, columns: str) -> list[str]:
    """PostgreSQL type names of `columns` ("id, name") of `table`, in that order."""
    names = [c.strip() for c in columns.split(",")]
    cursor.execute(
        "SELECT attname, atttypid::regtype::text FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[name] for name in names]


def copy_rows(cursor: Any, table: str, columns: str, rows: Iterable[Sequence]) -> int:
    """COPY rows into a table emptied in this transaction, in binary, with FREEZE.

    Binary: the server parses no text (twice as fast here as text COPY). FREEZE: the rows
    are written frozen and all-visible, so no later freeze or hint-bit work.
    `columns` is the column list as SQL, "id, name".
    """
    count = 0
    types = column_types(cursor, table, columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT BINARY, FREEZE)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def json_text(text: str) -> str:
    return text


# --- The generator --------------------------------------------------------------------------


class Generator:
    def __init__(self, *, claims: int, articles: int, seed: int, events: bool, reminders: bool):
        self.n_claims = claims
        self.n_articles = articles
        self.rng = random.Random(seed)
        self.events = events
        self.reminders = reminders
        self.today = newsroom_today()
        self.now = timezone.now().astimezone(UTC).replace(microsecond=0)
        self.timer = Timer()
        # Filled in as tables are written.
        self.reviewer_ids: list[int] = []
        self.editor_ids: list[int] = []
        self.outlet_domains: list[str] = []
        self.article_ord: list[int] = []  # published date (ordinal) per article, ascending
        self.article_layout: list[int] = []
        # (body, quotable slots (start, end, quote, statement, phrase, precision, span),
        #  title, slug) per layout
        self.layouts: list[
            tuple[str, list[tuple[int, int, str, str, str, str, int]], str, str]
        ] = []
        self.header_len = 0

    # Each step writes one table and reports its timing.
    def run(self, cursor: Any) -> None:
        for name, step in [
            ("auth_user (+groups)", self.users),
            ("articles_outlet", self.outlets),
            ("claims_person (+aliases)", self.people),
            ("claims_tag", self.tags),
            ("articles_article", self.articles),
            ("claims_claim (+tags, ...)", self.claims),
        ]:
            started = time.perf_counter()
            rows = step(cursor)
            if rows is not None:
                self.timer.step(name, rows, started)

    def users(self, cursor: Any) -> int:
        password = make_password(BENCH_PASSWORD)  # one hash, shared: hashing is slow on purpose
        joined = self.now - dt.timedelta(days=ARCHIVE_DAYS)
        users = [
            (i + 1, f"reviewer{i + 1:03d}", f"Reviewer {i + 1:03d}") for i in range(N_REVIEWERS)
        ]
        users += [
            (N_REVIEWERS + i + 1, f"editor{i + 1}", f"Editor {i + 1}") for i in range(N_EDITORS)
        ]
        self.reviewer_ids = [u[0] for u in users[:N_REVIEWERS]]
        self.editor_ids = [u[0] for u in users[N_REVIEWERS:]]
        copy_rows(
            cursor,
            "auth_user",
            "id, password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined",
            (
                (uid, password, False, name, first, "Bench", f"{name}@bench.example")
                + (False, True, joined)
                for uid, name, first in users
            ),
        )
        cursor.execute("SELECT name, id FROM auth_group WHERE name IN ('Reviewers', 'Editors')")
        groups = dict(cursor.fetchall())
        if set(groups) != {"Reviewers", "Editors"}:
            raise SystemExit("The Reviewers and Editors groups are missing: run migrate first.")
        memberships = [(uid, groups["Reviewers"]) for uid in self.reviewer_ids]
        memberships += [(uid, groups["Editors"]) for uid in self.editor_ids]
        copy_rows(
            cursor,
            "auth_user_groups",
            "id, user_id, group_id",
            ((i + 1, u, g) for i, (u, g) in enumerate(memberships)),
        )
        return len(users)

    def outlets(self, cursor: Any) -> int:
        names = [f"The {city} {paper}" for city in CITIES for paper in PAPERS]
        names = self.rng.sample(names, N_OUTLETS)
        self.outlet_domains = [
            slugify(n.removeprefix("The ")).replace("-", "") + ".example" for n in names
        ]
        return copy_rows(
            cursor,
            "articles_outlet",
            "id, name, domain",
            (
                (i + 1, n, d)
                for i, (n, d) in enumerate(zip(names, self.outlet_domains, strict=True))
            ),
        )

    def people(self, cursor: Any) -> int:
        rng = self.rng
        names = rng.sample([f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES], N_PEOPLE)
        rows = []
        for i, name in enumerate(names):
            role = rng.choice(ROLES).format(city=rng.choice(CITIES))
            rows.append((i + 1, name, role, self.now - dt.timedelta(days=ARCHIVE_DAYS)))
        count = copy_rows(cursor, "claims_person", "id, name, description, created_at", rows)
        # Aliases for the most quoted people ("Ms. Novak"), where the alias is unambiguous.
        aliases, seen = [], set()
        for person_id, name, *_ in rows[:300]:
            first, last = name.split(" ", 1)
            for alias in (last, f"{first[0]}. {last}"):
                if alias.lower() not in seen:
                    seen.add(alias.lower())
                    aliases.append((len(aliases) + 1, person_id, alias))
        copy_rows(cursor, "claims_personalias", "id, person_id, alias", aliases)
        return count + len(aliases)

    def tags(self, cursor: Any) -> int:
        return copy_rows(
            cursor,
            "claims_tag",
            "id, name, slug",
            ((i + 1, name, slugify(name)) for i, name in enumerate(TAGS)),
        )

    def make_layouts(self) -> None:
        """LAYOUTS article bodies; claims quote sentences at known offsets.

        Nine quotable sentences carry a date phrase, the tenth (slot 9) none, so that
        undated claims quote an undated promise.
        """
        rng = self.rng
        self.header_len = len(self.header(1))
        for _ in range(LAYOUTS):
            slots: list[tuple[int, int, str, str, str, str, int]] = []
            paragraphs: list[str] = []
            offset = self.header_len + 2
            for slot in range(10):
                subject, action = rng.choice(SUBJECTS), rng.choice(ACTIONS)
                if slot < 9:
                    phrase, precision, span = rng.choice(DATED_PHRASES)
                else:
                    phrase, precision, span = rng.choice(UNDATED_PHRASES), "", 0
                when = f" {phrase}" if phrase else ""
                pronoun = rng.choice(["He", "She", "They"])
                quote = f"{pronoun} {rng.choice(SAYS)} {subject} {action}{when}."
                statement = f"{subject[0].upper()}{subject[1:]} {action}{when}."
                paragraph = f"{quote} {rng.choice(FILLER)}"
                slots.append(
                    (offset, offset + len(quote), quote, statement, phrase, precision, span)
                )
                paragraphs.append(paragraph)
                offset += len(paragraph) + 2
            body = "\n\n".join(paragraphs)
            title = slots[0][3].rstrip(".")
            self.layouts.append((body, slots, title, slugify(title)[:60]))

    @staticmethod
    def header(article_id: int) -> str:
        # Fixed width, so quote offsets depend on the layout only; unique per article.
        return f"Dispatch no. {article_id:07d}."

    def articles(self, cursor: Any) -> int:
        rng = self.rng
        self.make_layouts()
        today = self.today.toordinal()
        # Older articles first, so ids follow publication order as they would in real life.
        ords = sorted(
            today - int(ARCHIVE_DAYS * rng.random() ** 1.6) for _ in range(self.n_articles)
        )
        self.article_ord = ords
        outlet_cum = zipf_cum_weights(N_OUTLETS, 0.9)
        outlets = rng.choices(range(1, N_OUTLETS + 1), cum_weights=outlet_cum, k=len(ords))
        layouts = [rng.randrange(LAYOUTS) for _ in ords]
        self.article_layout = layouts
        authors = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        now = self.now
        editors = self.editor_ids
        fromordinal = dt.date.fromordinal
        sha256 = hashlib.sha256

        def rows() -> Iterable[tuple]:
            for i, (ordinal, outlet, layout) in enumerate(zip(ords, outlets, layouts, strict=True)):
                article_id = i + 1
                published = fromordinal(ordinal)
                body_text, slots, title, slug = self.layouts[layout]
                body = f"{self.header(article_id)}\n\n{body_text}"
                # The bodies are written already normalised (one space between words, no
                # stray white space), so articles.models.content_hash is sha256 of date and
                # body; checked against the real function on every 1,000th article.
                digest = sha256(f"{published}\x1f{body}".encode()).hexdigest()
                if article_id % 1000 == 1 and digest != content_hash(
                    published_date=published, body=body
                ):
                    raise AssertionError(f"article {article_id}: body is not normalised")
                kind_roll = rng.random()
                if kind_roll < 0.92:
                    path = published.isoformat().replace("-", "/")
                    url = f"https://{self.outlet_domains[outlet - 1]}/{path}/{slug}-{article_id}"
                    source_kind, source = "url", url
                elif kind_roll < 0.96:
                    url, source_kind, source = "", "upload", f"upload-{article_id}.html"
                else:
                    url, source_kind, source = "", "manual", ""
                midnight = dt.datetime(published.year, published.month, published.day, tzinfo=UTC)
                r1, r2 = rng.random(), rng.random()  # as many draws whatever the time of day
                created = midnight + dt.timedelta(minutes=60 + int(r1 * 2100))
                if created > now:  # published today or yesterday: some time before now
                    created = midnight + (now - midnight) * r2
                yield (
                    article_id,
                    title,
                    slots[1][2],  # dek: another sentence of the piece
                    body,
                    url,
                    published,
                    authors[int(rng.random() * len(authors))],
                    "en",
                    source_kind,
                    source,
                    digest,
                    editors[int(rng.random() * len(editors))],
                    created,
                    created,
                    outlet,
                )

        return copy_rows(
            cursor,
            "articles_article",
            ARTICLE_COLUMNS,
            rows(),
        )

    def pick_article(self, lo: int, hi: int) -> int:
        """Index of a random article published between ordinals lo and hi (inclusive)."""
        i0 = bisect.bisect_left(self.article_ord, lo)
        i1 = bisect.bisect_right(self.article_ord, hi)
        if i1 <= i0:  # no article in the window: the latest one before it, or the first
            return max(i1 - 1, 0)
        return i0 + int(self.rng.random() * (i1 - i0))

    def plan_claims(self) -> list[tuple[int, str, int | None]]:
        """(article index, bucket, due date ordinal) per claim, in article order.

        Sorted so that claim ids follow their articles, as they would when claims are
        logged from new articles; the rest of each row is made while COPY streams.
        """
        rand = self.rng.random
        today = self.today.toordinal()
        pick = self.pick_article
        n_articles = len(self.article_ord)
        buckets = self.rng.choices(list(BUCKETS), weights=list(BUCKETS.values()), k=self.n_claims)
        plan: list[tuple[int, str, int | None]] = []
        for bucket in buckets:
            if bucket == "overdue":
                due = today - 1 - int(729 * rand() ** 2)  # the past two years, denser recently
                a = pick(due - 120, due - 1)
            elif bucket == "future":
                due = today + int(540 * rand() ** 2)  # today .. 18 months, denser soon
                a = pick(today - 150, today)
            elif bucket == "undated":
                due = None
                a = int(rand() * n_articles)
            else:  # resolved; one in ten early, before a due date still ahead
                due = today - int(ARCHIVE_DAYS * 0.95 * rand() ** 1.4) + (60 if rand() < 0.1 else 0)
                a = pick(due - 120, min(due - 1, today))
            plan.append((a, bucket, due))
        plan.sort(key=itemgetter(0))
        return plan

    def claims(self, cursor: Any) -> None:
        n = self.n_claims
        started = time.perf_counter()
        plan = self.plan_claims()
        self.timer.step("  (plan claims in Python)", n, started)

        started = time.perf_counter()
        resolved: list[tuple] = []
        overdue: list[tuple[int, dt.date, int | None]] = []
        count = copy_rows(
            cursor,
            "claims_claim",
            CLAIM_COLUMNS,
            self.claim_rows(plan, resolved, overdue),
        )
        del plan
        self.timer.step("claims_claim", count, started)

        started = time.perf_counter()
        count = copy_rows(cursor, "claims_claim_tags", "id, claim_id, tag_id", self.tag_rows(n))
        self.timer.step("claims_claim_tags", count, started)
        if self.events:
            started = time.perf_counter()
            count = copy_rows(
                cursor,
                "claims_claimevent",
                "id, kind, created_at, note, data, actor_id, claim_id",
                self.event_rows(resolved),
            )
            self.timer.step("claims_claimevent", count, started)
        if self.reminders:
            started = time.perf_counter()
            count = copy_rows(
                cursor,
                "claims_reminder",
                REMINDER_COLUMNS,
                self.reminder_rows(overdue),
            )
            self.timer.step("claims_reminder", count, started)

    def claim_rows(
        self,
        plan: list[tuple[int, str, int | None]],
        resolved_out: list[tuple],
        overdue_out: list[tuple[int, dt.date, int | None]],
    ) -> Iterable[tuple]:
        """Whole claim rows, consistent with every CHECK constraint of Claim.

        Collects what the events (resolved claims) and reminders (overdue claims) need.
        """
        rng = self.rng
        rand = rng.random
        today = self.today.toordinal()
        now = self.now
        fromordinal = dt.date.fromordinal
        n = len(plan)
        claimants = rng.choices(
            range(1, N_PEOPLE + 1), cum_weights=zipf_cum_weights(N_PEOPLE, 0.9), k=n
        )
        reviewer_cum = zipf_cum_weights(N_REVIEWERS, 0.8)
        reviewers = rng.choices(self.reviewer_ids, cum_weights=reviewer_cum, k=n)
        status_names = [str(s.value) for s in STATUS_WEIGHTS]
        statuses = rng.choices(status_names, weights=list(STATUS_WEIGHTS.values()), k=n)
        reasons = rng.choices(list(REASON_WEIGHTS), weights=list(REASON_WEIGHTS.values()), k=n)
        editors = self.editor_ids
        n_editors = len(editors)
        article_ord, article_layout, layouts = self.article_ord, self.article_layout, self.layouts
        OPEN, FULFILLED = ClaimStatus.OPEN.value, ClaimStatus.FULFILLED.value
        NOT_FULFILLED, WITHDRAWN = ClaimStatus.NOT_FULFILLED.value, ClaimStatus.WITHDRAWN.value
        day_start: dict[int, dt.datetime] = {}
        minute = dt.timedelta(minutes=1)

        def at(ordinal: int, minutes: int) -> dt.datetime:
            base = day_start.get(ordinal)
            if base is None:
                base = day_start[ordinal] = dt.datetime.combine(
                    fromordinal(ordinal), dt.time(tzinfo=UTC)
                )
            return base + minutes * minute

        for k, (a, bucket, due) in enumerate(plan):
            claim_id = k + 1
            published = article_ord[a]
            if due is not None and due < published:
                due = published  # the window held no article: due on the day of publication
            slots = layouts[article_layout[a]][1]
            start, end, quote, statement, phrase, precision, span = slots[
                9 if due is None else int(rand() * 9)
            ]
            earliest = None
            if due is not None and span and (precision == "week" or rand() < 0.3):
                earliest = fromordinal(max(due - span, published))
            # Draws that only the time of day decides to use are drawn anyway, so that one
            # seed gives the same data all day long.
            r1, r2 = rand(), rand()
            created_at = at(published, 60 + int(r1 * 2880))
            if created_at > now:  # a recent article: logged some time before now
                created_at = at(published, 0) + (now - at(published, 0)) * r2
            status, reason, note, version = OPEN, "", "", 1
            outcome = resolved_at = resolved_by = snoozed = assignee = None
            if bucket == "resolved":
                status = statuses[k]
                resolved_by = reviewers[k]
                assignee = resolved_by if rand() < 0.7 else None
                version = 2 if rand() < 0.9 else 3
                if status == FULFILLED:
                    # mostly on time; about one in five late
                    outcome = due + int(rand() * 60) + 1 if rand() < 0.2 else due - int(rand() * 30)
                elif status == NOT_FULFILLED:
                    reason = reasons[k]
                    outcome = due + int(rand() * 30)
                elif status == WITHDRAWN:
                    outcome = None
                else:
                    outcome = due + int(rand() * 40) - 20
                if outcome is not None:
                    outcome = max(outcome, published)
                    resolved_ord = outcome + int(rand() * 14 * rand())
                else:
                    resolved_ord = published + int(rand() * 10)
                r1, r2, r3, r4 = rand(), rand(), rand(), rand()
                if resolved_ord > today:
                    # Not settled that way yet; settled early instead, on any day since the
                    # article (clamping to today would pile thousands of claims on today).
                    resolved_ord = published + int(r1 * (today - published + 1))
                resolved_at = at(resolved_ord, int(r2 * 1440))
                if resolved_at < created_at:
                    resolved_at = created_at + (10 + int(r3 * 600)) * minute
                if resolved_at > now:
                    resolved_at = created_at + (now - created_at) * r4
                if outcome is not None:
                    outcome = fromordinal(min(outcome, resolved_at.toordinal()))
                note = NOTES[int(rand() * len(NOTES))]
                resolved_out.append(
                    (claim_id, status, reason, outcome, resolved_at, resolved_by, version, note)
                )
            elif rand() < 0.6:  # open: three in five assigned, some reviewers far busier
                assignee = reviewers[k]
            due_date = fromordinal(due) if due is not None else None
            if bucket == "overdue" and due < today:
                overdue_out.append((claim_id, due_date, assignee))
                if rand() < 0.08:
                    snoozed = fromordinal(today + 1 + int(rand() * 14))
            yield (
                claim_id,
                a + 1,
                statement,
                quote,
                start,
                end,
                claimants[k] if rand() > 0.03 else None,
                "promise" if due is None or rand() < 0.25 else "prediction",
                phrase,
                earliest,
                due_date,
                precision,
                due is None or rand() < 0.05,
                "",
                status,
                reason,
                outcome,
                note,
                resolved_at,
                resolved_by,
                assignee,
                snoozed,
                version,
                editors[int(rand() * n_editors)],
                created_at,
                resolved_at or created_at,
                # claims.cadence.first_reminder_on, as the 0003 migration backfills it:
                # the first sweep skips the steps already reminded of and moves it on.
                (
                    max(fromordinal(due + 1), snoozed or fromordinal(due + 1))
                    if status == OPEN and due is not None
                    else None
                ),
                None,  # published_at: bench_lookback.py publishes the claims it serves
                "",  # public_note
            )

    def tag_rows(self, n: int) -> Iterable[tuple[int, int, int]]:
        rng = self.rng
        rand = rng.random
        tag_cum = zipf_cum_weights(len(TAGS), 0.7)
        tag_ids = range(1, len(TAGS) + 1)
        row_id = 0
        for claim_id in range(1, n + 1):
            if rand() < 0.3:
                picked = set(rng.choices(tag_ids, cum_weights=tag_cum, k=1 + int(rand() * 3)))
                for tag_id in sorted(picked):
                    row_id += 1
                    yield row_id, claim_id, tag_id

    @staticmethod
    def event_rows(resolved: list[tuple]) -> Iterable[tuple]:
        """One status_changed event per resolved claim, shaped like claims.services writes it."""
        for row_id, (claim_id, status, reason, outcome, at, by, version, note) in enumerate(
            resolved, start=1
        ):
            outcome_json = f'"{outcome.isoformat()}"' if outcome else "null"
            data = (  # JSON text: every value here is a plain word, a date or a number
                '{"before": {"status": "open", "reason_code": ""}, '
                f'"after": {{"status": "{status}", "reason_code": "{reason}"}}, '
                f'"outcome_date": {outcome_json}, "version": {version}}}'
            )
            yield row_id, "status_changed", at, note, Jsonb(data, dumps=json_text), by, claim_id

    def reminder_rows(self, overdue: list[tuple[int, dt.date, int | None]]) -> Iterable[tuple]:
        """The reminders the sweep would have sent for today's overdue claims.

        Step 0 the day after the due date, step 1 after 3 days, step 2 after 7, to the
        assignee or, unassigned, to every editor; then an escalation (step 3) to the editors
        after 14 days for assigned claims. Email and in-app each; older in-app ones read.
        A guess at the sweep's cadence (claims.tasks is not written yet): realistic volume.
        """
        rand = self.rng.random
        today = self.today.toordinal()
        editors = self.editor_ids
        steps = ((0, 1, False), (1, 3, False), (2, 7, False), (3, 14, True))
        row_id = 0
        for claim_id, due, assignee in overdue:
            overdue_days = today - due.toordinal()
            for step, days, escalation in steps:
                if overdue_days < days or (escalation and not assignee):
                    break
                recipients = editors if escalation or not assignee else (assignee,)
                sent = dt.datetime.combine(
                    due + dt.timedelta(days=days), dt.time(6, int(rand() * 4) * 15, tzinfo=UTC)
                )
                for recipient in recipients:
                    key = (claim_id, recipient, due, step, escalation)
                    read = None
                    if overdue_days - days > 2 and rand() < 0.6:
                        read = sent + dt.timedelta(hours=1 + int(rand() * 47))
                    yield (row_id + 1, *key, "email", sent, sent, None, 1, "")
                    yield (row_id + 2, *key, "in_app", sent, sent, read, 1, "")
                    row_id += 2


# --- Checks, sequences, statistics ------------------------------------------------------------


def database_is_empty(cursor: Any) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM articles_article) OR EXISTS (SELECT 1 FROM claims_claim)"
        " OR EXISTS (SELECT 1 FROM auth_user) OR EXISTS (SELECT 1 FROM claims_person)"
    )
    return not cursor.fetchone()[0]


def drop_secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """Drop the indexes that back no constraint, for a faster COPY; (name, definition) each.

    Dropped inside the load transaction and built again before it commits, so a failed
    load leaves them as they were. Primary keys and unique constraints stay.
    """
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [BIG_TABLES],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return indexes


def create_indexes(cursor: Any, indexes: list[tuple[str, str]], timer: Timer) -> None:
    for name, definition in indexes:
        started = time.perf_counter()
        cursor.execute(definition)
        timer.step(f"  index {name}", 0, started)


def reset_sequences(cursor: Any) -> None:
    for table in TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def foreign_keys(cursor: Any) -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) of every FK of the loaded tables."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY 1, 2
        """,
        [TABLES],
    )
    return cursor.fetchall()


def check_integrity(cursor: Any) -> None:
    """What the switched-off FK triggers would have checked, plus the quote spans."""
    problems = []
    for table, column, ref_table, ref_column in foreign_keys(cursor):
        cursor.execute(
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS"
            f" (SELECT 1 FROM {ref_table} r WHERE r.{ref_column} = t.{column})"
        )
        if orphans := cursor.fetchone()[0]:
            problems.append(f"{table}.{column}: {orphans} rows point at no {ref_table}")
    cursor.execute(
        "SELECT count(*) FROM claims_claim c JOIN articles_article a ON a.id = c.article_id"
        " WHERE c.quote_start IS NOT NULL AND substr(a.body, c.quote_start + 1,"
        " c.quote_end - c.quote_start) <> c.quote"
    )
    if bad := cursor.fetchone()[0]:
        problems.append(f"claims_claim: {bad} quotes do not match article.body[start:end]")
    if problems:
        raise SystemExit("Integrity check failed, nothing loaded:\n  " + "\n  ".join(problems))


def print_spread(cursor: Any, today: dt.date) -> None:
    cursor.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE status <> 'open'),
               count(*) FILTER (WHERE status = 'open' AND due_date < %(today)s),
               count(*) FILTER (WHERE status = 'open' AND due_date >= %(today)s),
               count(*) FILTER (WHERE status = 'open' AND due_date BETWEEN %(today)s
                                AND %(today)s + 7),
               count(*) FILTER (WHERE status = 'open' AND due_date IS NULL),
               count(*) FILTER (WHERE status = 'open' AND earliest_date IS NOT NULL),
               count(*) FILTER (WHERE status = 'open' AND assignee_id IS NOT NULL),
               count(*) FILTER (WHERE status <> 'open'
                                AND resolved_at >= %(today)s::timestamptz - interval '30 days')
        FROM claims_claim
        """,
        {"today": today},
    )
    total, resolved, overdue, future, week, undated, earliest, assigned, recent = cursor.fetchone()
    opened = total - resolved

    def pct(x: int, of: int = total) -> str:
        return f"{x:,} ({100 * x / of:.1f}%)" if of else str(x)

    print(f"Spread on {today}: {total:,} claims")
    print(f"  resolved {pct(resolved)}; resolved in the last 30 days {pct(recent)}")
    print(f"  open and overdue {pct(overdue)}; open, due today or later {pct(future)}")
    print(f"  due within 7 days {pct(week)}; open without a date {pct(undated)}")
    print(f"  open with an earliest date {pct(earliest, opened)} of open")
    print(f"  open and assigned {pct(assigned, opened)} of open")
    cursor.execute(
        "SELECT assignee_id, count(*) FROM claims_claim WHERE status = 'open'"
        " AND due_date < %s AND assignee_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
        [today],
    )
    if top := cursor.fetchone():
        cursor.execute("SELECT username FROM auth_user WHERE id = %s", [top[0]])
        print(f"  busiest reviewer: {cursor.fetchone()[0]} with {top[1]:,} overdue claims")


COUNT_TABLES = [COUNT_TABLE, TOTAL_TABLE, PAIR_TABLE]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--truncate", action="store_true", help="empty the tables first if they hold data"
    )
    parser.add_argument("--no-events", dest="events", action="store_false")
    parser.add_argument("--no-reminders", dest="reminders", action="store_false")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is refused)")
    if args.claims < 1 or args.articles < 1:
        parser.error("--claims and --articles must be positive")

    gen = Generator(
        claims=args.claims,
        articles=args.articles,
        seed=args.seed,
        events=args.events,
        reminders=args.reminders,
    )
    print(f"Database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}")
    print(f"Loading {args.claims:,} claims over {args.articles:,} articles, seed {args.seed}")
    connection.ensure_connection()
    with transaction.atomic():
        cursor = connection.connection.cursor()  # the psycopg 3 cursor, for COPY
        if not database_is_empty(cursor) and not args.truncate:
            raise SystemExit(
                "The database already holds articles, claims or users: pass --truncate to replace them."
            )
        started = time.perf_counter()
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        # This transaction only: skip FK triggers (checked below by check_integrity), and
        # give index builds and the checks' hash joins room.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        indexes = drop_secondary_indexes(cursor)
        gen.timer.step(f"truncate, drop {len(indexes)} indexes", 0, started)
        gen.run(cursor)
        started = time.perf_counter()
        create_indexes(cursor, indexes, gen.timer)
        gen.timer.step(f"create {len(indexes)} indexes", 0, started)
        started = time.perf_counter()
        reset_sequences(cursor)
        check_integrity(cursor)
        gen.timer.step("sequences + integrity check", 0, started)
        started = time.perf_counter()
        # COPY went past claims.services: the kept scorecard counts are recomputed with
        # the SQL of manage.py rebuild_scorecard_counts, in the same transaction.
        for sql in rebuild_statements(connection.vendor):
            cursor.execute(sql)
        gen.timer.step("scorecard counts", 0, started)
        started = time.perf_counter()
    gen.timer.step("commit", 0, started)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in [*TABLES, *COUNT_TABLES]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    gen.timer.step("vacuum analyze", 0, started)
    print(f"Total {gen.timer.total():.1f} s")
    with connection.cursor() as cursor:
        print_spread(cursor, gen.today)
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"Database size {cursor.fetchone()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

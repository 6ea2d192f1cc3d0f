"""Log the checkable claims of the seed article, so a new install has a dashboard to show.

PRODUCT.md: the seed article (2025-10-17) holds a Trump–Zelensky meeting "Friday", a meeting
of "High Level Advisors, next week", a Trump–Putin meeting in Budapest "sometime during the
next two weeks" and Tomahawk missiles Trump "is considering" allowing. Running it again
changes nothing.
"""

from typing import NotRequired, TypedDict

from django.core.management.base import BaseCommand

from articles.models import Article
from claims import roles, services
from claims.models import Claim, ClaimType
from claims.timephrases import resolve_time_phrase

SEED_SOURCE = "000_acb50f9ee6de49bb.txt"
PEOPLE = {
    "Donald Trump": ["Trump", "Mr. Trump", "President Trump"],
    "Vladimir Putin": ["Putin", "Mr. Putin", "President Putin"],
    "Volodymyr Zelensky": ["Zelensky", "Zelenskyy", "Mr. Zelensky", "President Zelensky"],
    "Marco Rubio": ["Rubio", "Secretary Rubio"],
}


class DemoClaim(TypedDict):
    statement: str
    quote: str
    claimant: str
    time_phrase: str
    criteria: str
    assign: bool
    type: NotRequired[ClaimType]


CLAIMS: list[DemoClaim] = [
    {
        "statement": "Trump and Zelensky will meet at the White House on Friday",
        "quote": "Messrs. Trump and Zelensky will meet at the White House on Friday morning",
        "claimant": "Donald Trump",
        "time_phrase": "Friday",
        "criteria": "The two presidents meet in person at the White House on 17 October 2025.",
        "assign": True,
    },
    {
        "statement": "US and Russian High Level Advisors, led by Marco Rubio, will meet next week",
        "quote": "there will be a meeting of our High Level Advisors, next week",
        "claimant": "Donald Trump",
        "time_phrase": "next week",
        "criteria": "A meeting of the advisers, led by Rubio, takes place in the week of 20 October.",
        "assign": False,
    },
    {
        "statement": "Trump and Putin will meet in Budapest",
        "quote": "The president said the meeting would likely take place sometime during the "
        "next two weeks.",
        "claimant": "Donald Trump",
        "time_phrase": "sometime during the next two weeks",
        "criteria": "Trump and Putin meet in person in Budapest by 31 October 2025.",
        "assign": True,
    },
    {
        "statement": "Trump will allow Ukraine to use American-made Tomahawk missiles",
        "quote": "Mr. Trump says he is considering allowing Mr. Zelensky to use American-made "
        "Tomahawk missiles",
        "claimant": "Donald Trump",
        "time_phrase": "",
        "criteria": "The US approves Ukraine's use of Tomahawk missiles.",
        "assign": False,
        "type": ClaimType.OTHER,
    },
]


class Command(BaseCommand):
    help = "Log the seed article's claims (run after importing seeds/)."

    def handle(self, *args: object, **options: object) -> None:
        article = Article.objects.filter(source=SEED_SOURCE).first()
        if article is None:
            self.stdout.write("The seed article is not imported; nothing to log.")
            return
        for name, aliases in PEOPLE.items():
            person = services.find_or_create_person(name)
            assert person is not None  # the names above are not blank
            for alias in aliases:
                services.add_alias(person=person, alias=alias)
        # The demo accounts of create_demo_users, if they hold their roles.
        editor = roles.active_editors().filter(username="editor").first()
        reviewer = roles.assignable_users().filter(username="reviewer").first()
        logged = 0
        for spec in CLAIMS:
            if Claim.objects.filter(article=article, quote=spec["quote"]).exists():
                continue
            window = resolve_time_phrase(spec["time_phrase"], article.published_date)
            services.create_claim(
                article=article,
                by=editor,
                statement=spec["statement"],
                quote=spec["quote"],
                claimant=spec["claimant"],
                claim_type=spec.get("type", ClaimType.PREDICTION),
                time_phrase=spec["time_phrase"],
                due_date=window.due_date,
                earliest_date=window.earliest_date,
                precision=window.precision or "",
                vague=window.vague,
                resolution_criteria=spec["criteria"],
                assignee=reviewer if spec["assign"] else None,
                tags="Ukraine war, Diplomacy",
            )
            logged += 1
        self.stdout.write(f"Demo claims: logged {logged}, already there {len(CLAIMS) - logged}.")

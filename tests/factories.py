import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Outlet, SourceKind
from claims.models import Claim, ClaimStatus, Evidence, Person, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


ARTICLE_DATE = dt.date(2025, 10, 17)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    dek = "A short summary."
    body = factory.Sequence(
        lambda n: f"Article body {n}. The minister said the bridge will open within two weeks."
    )
    outlet = factory.SubFactory(OutletFactory)
    published_date = ARTICLE_DATE
    source_kind = SourceKind.MANUAL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Person {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    # A due date is never before its article's date (services.check_window): a claim due
    # earlier than the default article date gets an article published on its due date.
    article = factory.SubFactory(
        ArticleFactory,
        published_date=factory.LazyAttribute(
            lambda a: min(a.factory_parent.due_date or ARTICLE_DATE, ARTICLE_DATE)
        ),
    )
    statement = factory.Sequence(lambda n: f"The bridge number {n} will open")
    claimant = factory.SubFactory(PersonFactory)
    time_phrase = "within two weeks"
    due_date = dt.date(2025, 10, 31)
    status = ClaimStatus.OPEN


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = "https://news.example/follow-up"
    title = "Follow-up report"

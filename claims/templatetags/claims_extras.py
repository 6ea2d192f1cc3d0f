import datetime as dt
from collections.abc import Mapping

from django import template

from claims.models import Claim, ClaimStatus, ReasonCode

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    try:
        return ClaimStatus(value).label
    except ValueError:
        return value


@register.filter
def reason_label(value: str) -> str:
    try:
        return ReasonCode(value).label
    except ValueError:
        return value


@register.filter
def isodate(value: str | None) -> dt.date | None:
    """A date stored as ISO text in an event's data, for the `date` filter."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@register.filter
def field_label(name: str) -> str:
    return name.replace("_", " ")


@register.filter
def get_item(mapping: Mapping[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.filter
def count_label(count: int, cap: int) -> str:
    """A dashboard counter: "1,000+" once it passes the cap it was counted to."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


@register.filter
def days_overdue(claim: Claim, today: dt.date) -> int:
    """Claim.days_overdue against the request's date, read once rather than per row."""
    return claim.days_overdue(today)

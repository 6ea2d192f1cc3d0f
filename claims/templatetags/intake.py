"""`{% claim_sources claim %}`: the claim page's list of sources (its own article, then every
article added as a source), kept out of the claim view that other work is reshaping."""

from typing import Any

from django import template

from claims.intake import sources_of
from claims.models import Claim

register = template.Library()


@register.inclusion_tag("claims/intake/claim_sources.html")
def claim_sources(claim: Claim) -> dict[str, Any]:
    # One query with its articles; the claim's own article is select_related by the view.
    return {"claim": claim, "sources": sources_of(claim)}

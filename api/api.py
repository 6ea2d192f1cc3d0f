"""The Claimtrack JSON API (README, "API"): /api/v1/, its OpenAPI 3 schema at
/api/v1/openapi.json and interactive documentation at /api/v1/docs.

Add a resource as a router in a module of its own (api/outlets.py is the pattern) and
register it below."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from api import errors
from api.articles import install_upload_handler
from api.articles import router as articles_router
from api.auth import session_auth, token_auth
from api.claims import router as claims_router
from api.notifications import router as notifications_router
from api.outlets import router as outlets_router
from api.people import router as people_router
from api.scorecards import router as scorecards_router
from api.suggestions import router as suggestions_router

# Problems every operation can answer (api.errors); 404 too where the path names an object.
COMMON_PROBLEMS = {
    "401": "Not logged in and no valid token.",
    "403": "The role, or a read-only token, does not allow this.",
    "422": "A value cannot be accepted: see errors.",
    "429": "Too many requests: see Retry-After.",
}


def _as_claimtrack_answers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Two things ninja's views do not do as the rest of the site does. HEAD is answered as
    GET (the server drops the body): uptime monitors ask with HEAD, and a 405 there reads as
    "down". A method the path does not take is a 405 problem, like every other error."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        install_upload_handler(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if head:
                # The server (and the test client) drop a HEAD's body by the method.
                request.method = "HEAD"
        if response.status_code == 405 and response.get("Content-Type") != (
            errors.PROBLEM_CONTENT_TYPE
        ):
            allowed = response["Allow"]
            response = errors.problem(
                request, 405, f"This address takes {allowed}.", headers={"Allow": allowed}
            )
        return response

    return answer


# Ninja's own pages (the root, the schema, the docs) answer any method; they only read.
READ_ONLY_PAGES = {"api-root", "openapi-json", "openapi-view"}


def _read_only(pattern: URLPattern) -> Callable[..., HttpResponse]:
    view = pattern.callback
    if pattern.name not in READ_ONLY_PAGES:
        return view
    return require_safe(view)


class ClaimtrackAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[URLResolver | URLPattern] = [
            path(str(p.pattern), _as_claimtrack_answers(_read_only(p)), name=p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        return wrapped, app_name, namespace

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's schema, plus the problem responses every operation can give, each
        declared as application/problem+json (a client can rely on the error shape)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(
            errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}")["$defs"]
        )
        problem_schema = errors.Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        problem_schema.pop("$defs", None)
        components["Problem"] = problem_schema
        problem = {
            errors.PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
        for address, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                expected = dict(COMMON_PROBLEMS)
                if "{" in address:
                    expected["404"] = "There is no such object, or not for you."
                if "requestBody" in operation:
                    expected["400"] = "The body cannot be read: not JSON, or not the form."
                for status, description in expected.items():
                    responses.setdefault(status, {"description": description})
                for status, response in responses.items():
                    if str(status)[0] in "45":
                        response["content"] = problem
        return schema


api = ClaimtrackAPI(
    title="Claimtrack API",
    version="1",
    description=(
        "Everything a person can do in Claimtrack, a program can do, under the same rules. "
        "Authenticate with a personal token (Settings page) as `Authorization: Bearer "
        "<secret>`, or with the browser's session and its CSRF token."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[token_auth, session_auth],
)
errors.install(api)

api.add_router("/outlets/", outlets_router)
api.add_router("/claims/", claims_router)
api.add_router("/articles/", articles_router)
api.add_router("/people/", people_router)
api.add_router("/notifications/", notifications_router)
# Its paths start with the resource they hang from: /articles/{id}/suggestions/, /suggestions/{id}/...
api.add_router("/", suggestions_router)
api.add_router("/scorecards/", scorecards_router)

"""Every error the API answers is an RFC 9457 problem (application/problem+json):

    {"type": "about:blank", "title": "Conflict", "status": 409, "detail": "...",
     "instance": "/api/v1/claims/7/resolve/", "current": {...the claim as it is now...}}

422 adds "errors", one {"field", "message"} per problem found ("__all__" for the object as a
whole, as Django's forms say); 409 adds "current", the resource as it is now, so a client can
show it and decide again; 429 comes with a Retry-After header. The OpenAPI schema declares
these responses on every operation (api.api.ClaimtrackAPI)."""

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder

if TYPE_CHECKING:
    from ninja import NinjaAPI

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None
    current: dict[str, Any] | None = None


class Conflict(Exception):
    """Someone changed the resource since the client read it (its version moved on)."""

    def __init__(self, current: dict[str, Any], detail: str = "") -> None:
        self.current = current
        self.detail = detail or (
            "It was changed by someone else since you loaded it: here is what it is now."
        )
        super().__init__(self.detail)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many requests: try again in {retry_after} s.")


class ReadOnlyToken(PermissionDenied):
    """A read-only token tried to change something."""


def problem(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **{name: value for name, value in members.items() if value is not None},
    }
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


def _field_of(loc: Iterable[Any]) -> str:
    # Ninja's location starts with where the value came from (body, query, path) and, for a
    # body, the name of the view's argument that holds it: neither is the client's business.
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _unprocessable(request: HttpRequest, errors: list[dict[str, str]]) -> HttpResponse:
    return problem(
        request, 422, "The request has values that cannot be accepted: see errors.", errors=errors
    )


def install(api: "NinjaAPI") -> None:
    """Answer every error of `api` as a problem."""

    def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return _unprocessable(request, errors)

    def on_invalid_change(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": NON_FIELD_ERRORS, "message": message} for message in exc.messages]
        return _unprocessable(request, errors)

    def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return problem(request, 409, exc.detail, current=exc.current)

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            request,
            401,
            "Log in, or send a token: Authorization: Bearer <secret>.",
            headers={"WWW-Authenticate": 'Bearer realm="claimtrack"'},
        )

    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or "Your role does not allow this."
        return problem(request, 403, detail)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 404, "There is nothing here.")

    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return problem(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 401:
            return on_unauthenticated(request, AuthenticationError())
        return problem(request, exc.status_code, exc.message)

    # Ninja's handler type also admits the exception class itself; ours take instances.
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (NinjaValidationError, on_invalid_input),
        (DjangoValidationError, on_invalid_change),
        (Conflict, on_conflict),
        (AuthenticationError, on_unauthenticated),
        (PermissionDenied, on_forbidden),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
        (RateLimited, on_rate_limited),
        (HttpError, on_http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)

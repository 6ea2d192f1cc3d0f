import pytest
from django.test import Client

from api.tokens import create_api_token


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def reader_token(reader) -> str:
    return create_api_token(user=reader, name="script", read_write=False)[1]


@pytest.fixture
def api_client() -> Client:
    return Client()

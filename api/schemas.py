"""Schema pieces every resource module shares."""

from typing import Annotated

from ninja import Field

# An id past this is no row, and a filter with it raises OverflowError on SQLite (a 500):
# the API refuses it with 422 before any query.
BIGINT_MAX = 2**63 - 1

ObjectId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]

# Text as the forms take it: PostgreSQL refuses a NUL character in a text column (a 500),
# and Django's form fields refuse it too, so the API says so with a 422 before any query.
NO_NUL = r"^[^\x00]*$"

Text = Annotated[str, Field(pattern=NO_NUL)]
# A search or a name: as long as the pages' search fields take.
ShortText = Annotated[str, Field(pattern=NO_NUL, max_length=200)]

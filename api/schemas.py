"""Schema pieces every resource module shares."""

from typing import Annotated

from ninja import Field

# An id past this is no row, and a filter with it raises OverflowError on SQLite (a 500):
# the API refuses it with 422 before any query.
BIGINT_MAX = 2**63 - 1

ObjectId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]

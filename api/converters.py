"""URL converters of the API."""


class ObjectIdConverter:
    """A database id: at most 18 digits, so it always fits a 64-bit integer. A longer number
    matches no route and gets the API's 404 instead of a database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)

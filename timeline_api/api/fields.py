"""Query-parameter fields shared by several resources."""

from marshmallow import ValidationError, fields

from timeline_api.dates import PartialDate, parse_partial_date


class PartialDateParam(fields.String):
    """A "YYYY", "YYYY-MM" or "YYYY-MM-DD" parameter, loaded as a PartialDate."""

    def _deserialize(self, value, attr, data, **kwargs) -> PartialDate:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_partial_date(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class UpperCaseCountry(fields.String):
    """An ISO 3166-1 alpha-2 code, accepted in either case."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise ValidationError("Must be a two-letter ISO 3166-1 alpha-2 country code.")
        return code


def slug_path_parameter(what: str, example: str) -> dict:
    """OpenAPI documentation of the `{slug}` path segment of a detail route."""
    return {
        "in": "path",
        "name": "slug",
        "description": f"The {what}'s stable slug (lowercase letters, digits and hyphens).",
        "example": example,
    }

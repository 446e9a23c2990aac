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


def filter_examples(value, summary: str) -> dict:
    """Examples for an optional filter, the first meaning "no filter".

    Swagger UI fills "Try it out" with a parameter's first example; starting with an
    empty one keeps the default request unfiltered while the document still shows how
    the filter is used.
    """
    empty = [] if isinstance(value, list) else ""
    return {
        "parameter_examples": {
            "all": {"summary": "No filter", "value": empty},
            "example": {"summary": summary, "value": value},
        }
    }

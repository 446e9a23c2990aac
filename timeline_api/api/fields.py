"""Query-parameter fields shared by several resources."""

from marshmallow import ValidationError, fields, validate

from timeline_api.dates import PartialDate, parse_partial_date

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Query parameters may be empty: an empty parameter counts as absent (see QueryParser).
SLUG_FILTER_PATTERN = r"^([a-z0-9]+(-[a-z0-9]+)*)?$"
NO_NUL_PATTERN = r"^[^\x00]*$"


class _PartialDatePattern(validate.Regexp):
    """Documents the form as a pattern in OpenAPI; the calendar is checked on load."""

    def __init__(self):
        super().__init__(
            # Empty is allowed: an empty parameter counts as absent (see QueryParser).
            r"^([0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$",
            error="Must be a date of the form YYYY, YYYY-MM or YYYY-MM-DD.",
        )

    def __call__(self, value: PartialDate) -> PartialDate:
        super().__call__(value.text)
        return value


def slug_filter(**kwargs) -> fields.String:
    """A filter by slug: lowercase letters, digits and hyphens, as slugs are."""
    return fields.String(
        validate=[
            validate.Length(max=80),
            validate.Regexp(
                SLUG_FILTER_PATTERN, error="Must be a slug (lowercase letters, digits, -)."
            ),
        ],
        **kwargs,
    )


class PartialDateParam(fields.String):
    """A "YYYY", "YYYY-MM" or "YYYY-MM-DD" parameter, loaded as a PartialDate."""

    def __init__(self, **kwargs):
        super().__init__(validate=_PartialDatePattern(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> PartialDate:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_partial_date(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class UpperCaseCountry(fields.String):
    """An ISO 3166-1 alpha-2 code, accepted in either case."""

    def __init__(self, **kwargs):
        super().__init__(
            validate=validate.Regexp(
                r"^([A-Za-z]{2})?$", error="Must be a two-letter ISO 3166-1 alpha-2 country code."
            ),
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise ValidationError("Must be a two-letter ISO 3166-1 alpha-2 country code.")
        return code


def name_search_field(searched: str, example: str, summary: str) -> fields.String:
    """`q` on a catalogue list: words that must each begin a word of `searched`."""
    return fields.String(
        validate=[
            validate.Length(max=200),
            validate.Regexp(NO_NUL_PATTERN, error="Must not contain NUL characters."),
        ],
        metadata={
            "description": f"Only entries whose {searched} contain words beginning with each "
            "of these words, in any case: `wan` finds Wang Yi, as a filter box types it.",
            **filter_examples(example, summary),
        },
    )


def slug_path_parameter(what: str, example: str) -> dict:
    """OpenAPI documentation of the `{slug}` path segment of a detail route."""
    return {
        "in": "path",
        "name": "slug",
        "description": f"The {what}'s stable slug (lowercase letters, digits and hyphens).",
        "example": example,
        "schema": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80},
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


class FieldSelection(fields.String):
    """`fields=slug,title,date`: a sparse fieldset, checked against the fields a
    representation has; loaded as a tuple of names in the order given."""

    def __init__(self, known: list[str], **kwargs):
        self.known = list(known)
        name = "(" + "|".join(self.known) + ")"
        super().__init__(
            validate=[
                validate.Length(max=1000),
                # Documents the exact form; unknown names get their own message below.
                # Empty is allowed: an empty parameter counts as absent (see QueryParser).
                validate.Regexp(
                    rf"^({name}(,{name})*)?$",
                    error="Must be field names separated by commas, each one of: "
                    + ", ".join(self.known)
                    + ".",
                ),
            ],
            metadata={
                "description": "Return only these fields (comma-separated), as sparse "
                "fieldsets do: " + ", ".join(f"`{name}`" for name in self.known) + ". "
                "Given twice (`fields=slug&fields=title`) it is a 422, as every "
                "single-valued parameter is: name them all in one. An unknown field is a 422 "
                "naming it; so is `fields` with an export format (it shapes JSON answers "
                "only). Omit for every field.",
                **kwargs.pop("metadata", {}),
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, ...]:
        text = super()._deserialize(value, attr, data, **kwargs)
        names = text.split(",")
        unknown = [name for name in names if name not in self.known]
        if unknown:
            raise ValidationError(
                "Unknown field(s): "
                + ", ".join(repr(name) for name in unknown)
                + ". Known: "
                + ", ".join(self.known)
                + "."
            )
        return tuple(dict.fromkeys(names))

    def _validate(self, value):
        # Validators see the text; the names were checked one by one in _deserialize.
        super()._validate(",".join(value))


def sparse(representation: dict, selection: tuple[str, ...] | None) -> dict:
    """Only the selected fields of `representation` (all of it without a selection);
    the schema that serialises it leaves out what is missing."""
    if not selection:
        return representation
    return {name: representation[name] for name in selection}

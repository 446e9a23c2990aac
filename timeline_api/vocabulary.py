"""Controlled vocabularies shared by the seed loader, the models and the API.

Kept in one module so that curators (seeds/README.md), the OpenAPI document and
validation all read the same lists; adding a value here is the only change needed.
"""

DATE_PRECISIONS: dict[str, str] = {
    "year": "Only the year is known (written YYYY).",
    "month": "The year and month are known (written YYYY-MM).",
    "day": "The exact day is known (written YYYY-MM-DD).",
}

EVENT_TYPES: dict[str, str] = {
    "statement": "Remarks made in public: a speech, a press briefing, a published position.",
    "meeting": "A session, dialogue, seminar or conference where parties speak.",
    "initiative": "An international initiative or proposal put forward for others to join.",
    "programme": "A government programme or campaign.",
    "law": "A law, regulation, decree or executive order, issued or announced.",
    "restriction": "A measure against a company or product: sanction, ban, exclusion, designation.",
}

ACTOR_TYPES: dict[str, str] = {
    "person": "A named individual.",
    "government_body": "A ministry, agency, council or other body of a government.",
    "state": "A country acting as a whole.",
    "company": "A company or its product.",
    "international_organisation": "An organisation of states, or one of its bodies or mandates.",
}

ACTOR_ROLES: dict[str, str] = {
    "announcer": "Announced or launched the event.",
    "speaker": "Spoke at the event or made the statement.",
    "spokesperson": "Spoke on behalf of a government or body.",
    "issuer": "Issued the law, order, programme or measure.",
    "organiser": "Hosted or convened the meeting.",
    "participant": "Took part in the event.",
    "target": "The measure or criticism was aimed at them.",
    "addressee": "Was called upon or urged to act.",
}

# Each relation reads "event <relation> target"; the inverse label is what the
# target shows when the API lists the relation from the other side.
RELATION_TYPES: dict[str, tuple[str, str]] = {
    "responds_to": ("Responds to the target event.", "responded_to_by"),
    "counters": ("Is a countermove against the target event.", "countered_by"),
    "context_for": ("Gives context needed to understand the target event.", "has_context"),
    "part_of": ("Happened as part of the target event.", "has_part"),
    "refers_to": ("Mentions or invokes the target event.", "referred_to_by"),
}

RELATION_INVERSES: dict[str, str] = {name: inverse for name, (_, inverse) in RELATION_TYPES.items()}

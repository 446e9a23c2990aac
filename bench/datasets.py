"""Synthetic seed folders of any size, in the curators' format (seeds/README.md).

The benchmark must load through the real loader, so the data is written as YAML seed
files, not inserted directly. It is deterministic (one seeded RNG per size) so that runs
on different days measure the same data, and varied enough to look like the real thing:
several actors with roles, tags, 1-3 citations with quotes, relations to earlier events,
dates spread over decades at year, month and day precision, every event type.
"""

import calendar
import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from timeline_api.vocabulary import ACTOR_ROLES, EVENT_TYPES, RELATION_TYPES

GENERATOR_VERSION = 1  # bump when the output changes, to invalidate cached folders
FIRST_YEAR, LAST_YEAR = 1975, 2025
SEARCH_WORD = "encryption"  # in about one event in nine: the benchmark's q=
FILTER_YEAR, FILTER_TYPE = 2015, "law"

TAGS = {
    "surveillance": "Surveillance",
    "privacy": "Privacy",
    "personal-information": "Personal information",
    "data-localisation": "Data localisation",
    "backdoors": "Backdoors",
    "critical-infrastructure": "Critical infrastructure",
    "cross-border-data-flows": "Cross-border data flows",
    "national-security": "National security",
    "data-security": "Data security",
    "telecommunications": "Telecommunications",
    "children": "Children",
    "sovereignty": "Sovereignty",
    "human-rights": "Human rights",
    "encryption": "Encryption",
    "cloud-computing": "Cloud computing",
    "export-controls": "Export controls",
    "biometrics": "Biometrics",
    "submarine-cables": "Submarine cables",
    "artificial-intelligence": "Artificial intelligence",
    "cybercrime": "Cybercrime",
}
COUNTRIES = {
    "CN": ("China", ["Beijing", "Shanghai", "Shenzhen"]),
    "US": ("United States", ["Washington", "New York", "San Francisco"]),
    "GB": ("United Kingdom", ["London", "Manchester"]),
    "DE": ("Germany", ["Berlin", "Bonn", "München"]),
    "FR": ("France", ["Paris", "Lyon"]),
    "IN": ("India", ["New Delhi", "Bengaluru", "Mumbai"]),
    "BR": ("Brazil", ["Brasília", "São Paulo"]),
    "RU": ("Russia", ["Moscow", "Saint Petersburg"]),
    "JP": ("Japan", ["Tokyo", "Osaka"]),
    "KR": ("South Korea", ["Seoul", "Busan"]),
    "ZA": ("South Africa", ["Pretoria", "Cape Town"]),
    "NG": ("Nigeria", ["Abuja", "Lagos"]),
    "ID": ("Indonesia", ["Jakarta"]),
    "AU": ("Australia", ["Canberra", "Sydney"]),
    "CA": ("Canada", ["Ottawa", "Toronto"]),
    "CH": ("Switzerland", ["Geneva", "Zürich", "Bern"]),
    "BE": ("Belgium", ["Brussels"]),
    "KE": ("Kenya", ["Nairobi"]),
    "MX": ("Mexico", ["Mexico City"]),
    "TR": ("Türkiye", ["Ankara", "Istanbul"]),
}
ORGANISATIONS = [
    "United Nations",
    "UN Human Rights Council",
    "Council of Europe",
    "European Commission",
    "World Trade Organization",
    "International Telecommunication Union",
    "OECD",
    "G20 Digital Economy Task Force",
    "African Union Commission",
    "ASEAN Secretariat",
]
BODIES = [
    "Ministry of Foreign Affairs",
    "Data Protection Authority",
    "Cyberspace Agency",
    "Ministry of Commerce",
    "Ministry of Justice",
    "Telecommunications Regulator",
    "National Security Council",
    "Parliament",
    "Ministry of Digital Affairs",
]
COMPANIES = ["Telecom", "Cloud", "Networks", "Data Systems", "Mobile", "Video", "Payments"]
FIRST_NAMES = [
    "Li",
    "Anna",
    "Wei",
    "Maria",
    "John",
    "Aisha",
    "Hiroshi",
    "Olga",
    "Carlos",
    "Priya",
    "Jean",
    "Fatima",
    "Kim",
    "Lars",
    "Ngozi",
    "Elif",
    "Sipho",
    "Marta",
]
LAST_NAMES = [
    "Zhang",
    "Smith",
    "Müller",
    "Dubois",
    "Sharma",
    "Silva",
    "Ivanova",
    "Tanaka",
    "Park",
    "Okafor",
    "Yilmaz",
    "Nkosi",
    "García",
    "Novak",
    "Hansen",
    "Chen",
]
TOPICS = [
    "cross-border data transfers",
    "data localisation rules",
    "mass surveillance",
    "children's personal information",
    "backdoors in network equipment",
    "cloud security",
    "submarine cable landing rights",
    "facial recognition",
    "export controls on chips",
    "critical infrastructure protection",
    "platform data access",
    "cybercrime cooperation",
    "lawful access to " + SEARCH_WORD + "ed messages",
    "end-to-end " + SEARCH_WORD,
]
VERBS = {
    "statement": ["criticises", "defends", "warns about", "calls for rules on"],
    "meeting": ["hosts talks on", "holds a dialogue on", "convenes a seminar on"],
    "initiative": ["launches an initiative on", "proposes a framework for"],
    "programme": ["starts a programme on", "expands its campaign on"],
    "law": ["adopts a law on", "issues regulations on", "signs an order on"],
    "restriction": ["bans a company over", "sanctions a supplier over", "restricts apps over"],
}
# Quotes and extra summary sentences are windows on this text: a few hundred distinct
# words with natural repetition, so the full-text index has realistic posting lists.
FILLER_TEXT = (
    "the officials said the measure would protect users and national interests while critics "
    "argued it would fragment the internet raise costs for companies and weaken privacy "
    "safeguards for people abroad according to the report which cited documents and "
    "interviews with diplomats regulators and industry representatives the ministry did not "
    "respond to a request for comment on the draft rules which require operators to store "
    "subscriber records on servers inside the country and to hand them to investigators "
    "within days of a court order lawmakers from the opposition described the proposal as "
    "vague and warned that broad definitions of important data could cover ordinary "
    "business information such as payroll files shipping manifests and customer reviews "
    "trade groups representing cloud providers said they supported clear obligations but "
    "asked for a longer transition period and for mutual recognition of certification "
    "schemes between partners the spokesperson told a regular press briefing that foreign "
    "governments had no right to lecture others about surveillance given their own "
    "programmes of bulk interception revealed by former contractors several "
    "nongovernmental organisations welcomed the inclusion of children's data and of "
    "biometric identifiers among the sensitive categories but regretted the absence of an "
    "independent supervisory authority with powers to impose fines the agreement signed "
    "at the summit commits the parties to consult each other before imposing restrictions "
    "on transfers and to cooperate on investigations into ransomware attacks against "
    "hospitals ports and power grids analysts noted that the list of covered technologies "
    "included semiconductors satellite links undersea cables and software used in "
    "telecommunications networks the regulator opened a review of the merger citing "
    "concerns that the combined company would control location data on millions of "
    "drivers and could be compelled by a foreign court to disclose it the court ruled that "
    "the blanket retention of metadata was disproportionate and incompatible with the "
    "charter sending the case back to the national judges for a final decision"
)
FILLER = FILLER_TEXT.split()
ROLES_BY_TYPE = {
    "person": ["speaker", "spokesperson", "announcer", "participant", "target"],
    "government_body": ["issuer", "organiser", "announcer", "participant", "addressee"],
    "state": ["issuer", "target", "addressee", "participant"],
    "company": ["target", "participant", "addressee"],
    "international_organisation": ["organiser", "addressee", "participant"],
}
assert all(role in ACTOR_ROLES for roles in ROLES_BY_TYPE.values() for role in roles)


@dataclass(frozen=True)
class DatasetInfo:
    """What the benchmark needs to know about a generated folder to build its requests."""

    size: int
    seeds_dir: str
    detail_slug: str
    search_word: str = SEARCH_WORD
    filter_year: int = FILTER_YEAR
    filter_type: str = FILTER_TYPE


def _q(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string escapes are a subset of YAML's."""
    return json.dumps(text, ensure_ascii=False)


def _sentence(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(FILLER))
    body = [FILLER[(start + i) % len(FILLER)] for i in range(words)]
    return " ".join(body).capitalize() + "."


def _random_date(rng: random.Random) -> tuple[str, str]:
    # More events in recent years, as in real coverage.
    year = LAST_YEAR - int((LAST_YEAR - FIRST_YEAR + 1) * rng.random() ** 1.8)
    month = rng.randint(1, 12)
    draw = rng.random()
    if draw < 0.15:
        return f"{year:04d}", "year"
    if draw < 0.40:
        return f"{year:04d}-{month:02d}", "month"
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def _actors(rng: random.Random, count: int) -> list[dict]:
    actors = [
        {"slug": f"state-{code.lower()}", "name": name, "actor_type": "state", "country": code}
        for code, (name, _) in COUNTRIES.items()
    ]
    for name in ORGANISATIONS:
        slug = name.lower().replace(" ", "-")
        actors.append({"slug": slug, "name": name, "actor_type": "international_organisation"})
    codes = list(COUNTRIES)
    while len(actors) < count:
        index, code = len(actors), rng.choice(codes)
        kind = rng.choices(["person", "government_body", "company"], [5, 3, 2])[0]
        if kind == "person":
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        elif kind == "government_body":
            name = f"{COUNTRIES[code][0]} {rng.choice(BODIES)}"
        else:
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANIES)}"
        actors.append(
            {
                "slug": f"{kind.replace('_', '-')}-{index:05d}",
                "name": name,
                "actor_type": kind,
                "country": code,
            }
        )
    return actors


def _write_catalogues(folder: Path, rng: random.Random, actors: list[dict], sources: int) -> None:
    lines = ["sources:"]
    for index in range(sources):
        published, precision = _random_date(rng)
        lines += [
            f"  - slug: source-{index:06d}",
            f"    publisher: {_q(rng.choice(['Xinhua', 'VOA News', 'Reuters', 'AFP', 'TRN']))}",
            f"    headline: {_q(_sentence(rng, rng.randint(6, 12)))}",
            f"    dateline: {_q(rng.choice(list(COUNTRIES.values()))[1][0].upper())}",
            f"    published: {_q(published)}",
            f"    published_precision: {precision}",
            f"    published_note: {_q('Synthetic source for the benchmark.')}",
            "    language: en",
            f"    article_file: synthetic-{index:06d}.txt",
            f"    url: https://news.example/articles/{index}",
        ]
    (folder / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["actors:"]
    for actor in actors:
        country = _q(actor["country"]) if actor.get("country") else "null"
        lines += [
            f"  - slug: {actor['slug']}",
            f"    name: {_q(actor['name'])}",
            f"    actor_type: {actor['actor_type']}",
            f"    country: {country}",
            f"    description: {_q('A synthetic actor for the benchmark.')}",
        ]
    (folder / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["tags:"]
    for slug, name in TAGS.items():
        lines += [f"  - slug: {slug}", f"    name: {_q(name)}", "    description: null"]
    (folder / "tags.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _event_yaml(
    rng: random.Random, index: int, actors: list[dict], sources: int, earlier: list[str]
) -> tuple[str, str, int]:
    """One event file's text, its slug, and how many relations it has."""
    event_type = rng.choice(list(EVENT_TYPES))
    date, precision = _random_date(rng)
    code = rng.choice(list(COUNTRIES))
    topic = rng.choice(TOPICS)
    lead = rng.choice(actors)
    slug = f"{code.lower()}-{event_type}-{date[:4]}-{index:06d}"
    title = f"{lead['name']} {rng.choice(VERBS[event_type])} {topic}"
    summary = " ".join(
        [f"{title}, according to the cited reports."]
        + [_sentence(rng, rng.randint(12, 24)) for _ in range(rng.randint(0, 2))]
    )
    place = rng.choice(COUNTRIES[code][1]) if rng.random() < 0.8 else None
    # A place is looked up in the gazetteer within its country, so it always has one; 95%
    # of events have a country, as before (one draw, so the random stream is unchanged).
    country_draw = rng.random()
    country = code if place or country_draw < 0.75 else None
    lines = [
        f"slug: {slug}",
        f"title: {_q(title)}",
        f"summary: {_q(summary)}",
        f"date: {_q(date)}",
        f"date_precision: {precision}",
        f"date_note: {_q(f'Synthetic date at {precision} precision for the benchmark.')}",
        f"event_type: {event_type}",
        f"place: {_q(place) if place else 'null'}",
        f"country: {_q(country) if country else 'null'}",
        "actors:",
    ]
    chosen = {(lead["slug"], rng.choice(ROLES_BY_TYPE[lead["actor_type"]]))}
    for actor in rng.sample(actors, rng.randint(0, 3)):
        chosen.add((actor["slug"], rng.choice(ROLES_BY_TYPE[actor["actor_type"]])))
    for actor_slug, role in sorted(chosen):
        lines += [f"  - actor: {actor_slug}", f"    role: {role}"]
    lines.append("tags: [" + ", ".join(rng.sample(list(TAGS), rng.randint(1, 5))) + "]")
    lines.append("citations:")
    cited = rng.sample(range(sources), rng.randint(1, 3))
    for source in cited:
        lines += [f"  - source: source-{source:06d}", "    quotes:"]
        for _ in range(rng.randint(1, 3)):
            quote = _sentence(rng, rng.randint(10, 30))
            if SEARCH_WORD in topic and rng.random() < 0.5:
                quote = quote[:-1] + f" on {SEARCH_WORD}."
            lines.append(f"      - {_q(quote)}")
    if event_type in ("initiative", "programme") and rng.random() < 0.4:
        lines.append("points:")
        for _ in range(rng.randint(1, 4)):
            lines += [
                f"  - summary: {_q(_sentence(rng, rng.randint(6, 12)))}",
                f"    source: source-{cited[0]:06d}",
                f"    quote: {_q(_sentence(rng, rng.randint(8, 16)))}",
            ]
    relations = 0
    if earlier and rng.random() < 0.5:
        targets = {rng.choice(earlier[-2000:]) for _ in range(rng.randint(1, 2))}
        lines.append("relations:")
        for target in sorted(targets):
            lines += [f"  - type: {rng.choice(list(RELATION_TYPES))}", f"    target: {target}"]
            if rng.random() < 0.3:
                lines.append(f"    note: {_q(_sentence(rng, 8))}")
            relations += 1
    return "\n".join(lines) + "\n", slug, relations


def generate(size: int, folder: Path) -> DatasetInfo:
    """Write a seeds folder of `size` events into `folder` (reused when already complete)."""
    stamp = folder / ".generated.json"
    if stamp.is_file():
        info = json.loads(stamp.read_text())
        if info.pop("generator_version", None) == GENERATOR_VERSION:
            return DatasetInfo(**{**info, "seeds_dir": str(folder.resolve())})
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "events").mkdir(parents=True)
    rng = random.Random(f"timeline-bench-{size}")
    actors = _actors(rng, 40 + size // 100)
    sources = max(20, size // 4)
    _write_catalogues(folder, rng, actors, sources)
    slugs: list[str] = []
    detail_slug = ""
    for index in range(size):
        text, slug, relations = _event_yaml(rng, index, actors, sources, slugs)
        (folder / "events" / f"{slug}.yaml").write_text(text, encoding="utf-8")
        # The detail request asks for a typical, well-connected event in the middle.
        if not detail_slug and index >= size // 2 and relations and "citations:" in text:
            detail_slug = slug
        slugs.append(slug)
    info = DatasetInfo(size=size, seeds_dir=str(folder.resolve()), detail_slug=detail_slug)
    stamp.write_text(json.dumps({**asdict(info), "generator_version": GENERATOR_VERSION}))
    return info

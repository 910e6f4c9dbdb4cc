"""The benchmark's synthetic corpus: templates -> articles, and what each one states.

Articles are written from ``lang/<code>/benchmark/templates.toml`` (every word
of them is there; this module knows none) with ``random.Random(seed)``: the same
seed and N give the same corpus bytes, and a smaller corpus is a prefix of a
larger one. The generator records what each article's body states as an
``expected.json`` entry (the format of ``tests/sets/<lang>/devset``), so the
extraction is scored with the fact types' one projection, exactly as the
hand-written sets are (``evaluation/score.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bordercoop.paths import LANGUAGES
from bordercoop.text.places import gazetteer_rows

DEFAULT_LANGUAGE = "vi"
DEFAULT_SEED = 20250401
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# A lower-case letter opening a paragraph or following ". ", "! " or "? ".
_SENTENCE_START = re.compile(r"(^|[.!?] +)([^\W\d_])")


def templates_path(code: str = DEFAULT_LANGUAGE) -> Path:
    """The benchmark templates of language ``code`` (a subfolder of its language
    folder, so that the rules' loader, which reads ``lang/<code>/*.toml``, skips them)."""
    return LANGUAGES / code / "benchmark" / "templates.toml"


TEMPLATES_PATH = templates_path()


# ------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class Unit:
    """A gazetteer unit, as the generator writes it."""

    province_id: str
    country: str
    name: str
    level: str
    parent_id: str
    aliases: tuple[str, ...]


def load_templates(path: Path = TEMPLATES_PATH) -> dict[str, Any]:
    """The parsed templates file."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_units() -> dict[str, Unit]:
    """Every gazetteer unit by id, read through ``text.places.gazetteer_rows``."""
    return {
        r["province_id"]: Unit(r["province_id"], r["country_code"], r["name_vi"], r["level"], r["parent_id"],
                               tuple(a for a in r["aliases"].split("|") if a))
        for r in gazetteer_rows()
    }


# ------------------------------------------------------------------ truth


def _month_end(year: int, month: int) -> dt.date:
    """The last day of ``month``."""
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _iso(day: dt.date | None) -> str | None:
    """An ISO date, or None."""
    return day.isoformat() if day else None


@dataclass(frozen=True)
class DateFact:
    """A generated date; ``stated`` is False for day/month without a year."""

    shape: str
    stated: bool
    year: int
    month: int = 1
    day: int = 1
    month2: int = 1
    day2: int = 1
    quarter: int = 1

    @property
    def last_month(self) -> int:
        """The last month the date covers."""
        return {"cross": self.month2, "quarter": 3 * self.quarter, "year": 12}.get(self.shape, self.month)

    def bounds(self, body_year: int | None) -> tuple[dt.date | None, dt.date | None, str]:
        """Inclusive (start, end, precision); an unstated year is the body's year,
        and without one the date is unknown."""
        year = self.year if self.stated else body_year
        if year is None:
            return None, None, "unknown"
        y, m, d = year, self.month, self.day
        if self.shape == "day":
            return dt.date(y, m, d), dt.date(y, m, d), "day"
        if self.shape == "range":
            return dt.date(y, m, d), dt.date(y, m, self.day2), "day"
        if self.shape == "cross":
            return dt.date(y, m, d), dt.date(y, self.month2, self.day2), "day"
        if self.shape == "month":
            return dt.date(y, m, 1), _month_end(y, m), "month"
        if self.shape == "quarter":
            return dt.date(y, 3 * self.quarter - 2, 1), _month_end(y, 3 * self.quarter), "month"
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"


@dataclass
class Truth:
    """What one generated article's body states, gathered while it is written."""

    meetings: list[dict] = field(default_factory=list)
    patrols: list[dict] = field(default_factory=list)
    border_lengths: list[dict] = field(default_factory=list)
    province_borders: set[tuple[str, str]] = field(default_factory=set)  # (Vietnamese province id, neighbour)
    provinces_mentioned: set[str] = field(default_factory=set)

    def entry(self) -> dict[str, Any]:
        """The article's ``expected.json`` entry."""
        return {
            "meetings": self.meetings,
            "patrols": self.patrols,
            "border_lengths": self.border_lengths,
            "provinces_mentioned": sorted(self.provinces_mentioned),
            "province_borders": [list(pair) for pair in sorted(self.province_borders)],
        }


@dataclass
class SyntheticArticle:
    """One generated article: its file stem, its text and what it states."""

    stem: str
    text: str
    expected: dict[str, Any]  # an expected.json entry
    main_parties: tuple[str, ...] = ()  # units the main meeting sentence names as parties
    tags: tuple[str, ...] = ()  # templates used, for diagnostics


# ------------------------------------------------------------------ generator


class Slots(dict):
    """Placeholder values; remembers which keys a template used, so the unit
    names it wrote can be recorded as province mentions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Placeholder values; no key used yet."""
        super().__init__(*args, **kwargs)
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        """The value of ``key``, noting that it was used."""
        self.used.add(key)
        return super().__getitem__(key)


@dataclass
class Draft:
    """An article being written."""

    kind: str
    country: str
    year: int
    slots: Slots
    units_of: dict[str, list[str]]  # placeholder -> unit ids it names
    paragraphs: list[str] = field(default_factory=list)
    truth: Truth = field(default_factory=Truth)
    dates: list[tuple[str, str, DateFact]] = field(default_factory=list)  # (kind, status, date)
    main_parties: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    body_has_year: bool = False


class ArticleWriter:
    """Writes articles from the templates, one random stream for the whole corpus."""

    def __init__(self, templates: dict[str, Any], units: dict[str, Unit], rng: random.Random) -> None:
        """A writer of ``templates`` about ``units``, drawing from ``rng``."""
        self.t = templates
        self.units = units
        self.rng = rng
        self.vn_all = sorted(u.province_id for u in units.values() if u.country == "VN" and u.level == "province")
        self.date_tag = ""  # the date form used last, for diagnostics

    # ---- small helpers

    def pick(self, items: list[Any] | tuple[Any, ...]) -> Any:
        """One item, uniformly."""
        return items[self.rng.randrange(len(items))]

    def weighted(self, weights: dict[str, float]) -> str:
        """One key, by relative weight (keys in sorted order, so the draw is stable)."""
        keys = sorted(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.rng.random() < p

    def typed(self, unit_id: str) -> str:
        """A unit's name after its type word."""
        unit = self.units[unit_id]
        word = self.t["type_words"].get(unit.level, "")
        return f"{word} {unit.name}".strip()

    def render(self, d: Draft, template: str, /, body: bool = True, **extra: Any) -> str:
        """Fill a template; in the body, the units it names become mentions."""
        slots = Slots(d.slots)
        slots.update(extra)
        text = template.format_map(slots)
        if body:
            for key in slots.used:
                d.truth.provinces_mentioned.update(d.units_of.get(key, []))
        return text

    def person(self, foreign: str | None) -> str:
        """A title, a name (of the country ``foreign``, else Vietnamese) and a role."""
        p = self.t["people"]
        name = self.pick(p["foreign"][foreign]) if foreign else f"{self.pick(p['surnames'])} {self.pick(p['middles'])} {self.pick(p['givens'])}"
        return f"{self.pick(p['titles'])} {name}, {self.pick(p['roles'])}"

    def grouped(self, value: int) -> str:
        """An integer with the language's thousands separator."""
        return f"{value:,}".replace(",", self.t["text"]["thousands"])

    def number(self, low: int, high: int) -> str:
        """A random integer in [low, high], with thousands separators."""
        return self.grouped(self.rng.randint(low, high))

    # ---- one article

    def article(self, index: int) -> SyntheticArticle:
        """Article number ``index`` of the corpus."""
        kind = self.weighted(self.t["article"]["kinds"])
        d = self.domestic(kind) if kind == "domestic" else self.border(kind)
        title = self.render(d, self.pick(self.t["headlines"][kind]), body=False)
        body = self.join_paragraphs(d.paragraphs)
        text = f"{title}\n{body}\n{self.boilerplate()}"
        self.resolve_dates(d)
        slug = self.units[d.units_of["vn"][0]].province_id.removeprefix("vn-")
        return SyntheticArticle(f"b{index:05d}_{slug}_{d.country.lower()}", text, d.truth.entry(),
                                d.main_parties, tuple(d.tags))

    def join_paragraphs(self, paragraphs: list[str]) -> str:
        """Paragraphs with their sentences capitalised, one or two line breaks apart."""
        sep = "\n\n" if self.chance(self.t["article"]["blank_lines"]) else "\n"
        return sep.join(_SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), p) for p in paragraphs)

    def new_draft(self, kind: str, country: str, vn: str, fu: str | None) -> Draft:
        """A draft with the placeholders of its Vietnamese (and foreign) side."""
        lo, hi = self.t["article"]["years"]
        year = self.rng.randint(lo, hi)
        vn2 = self.pick([u for u in self.vn_all if u != vn])
        slots = Slots(
            vn=self.units[vn].name, vn_t=self.typed(vn), vn2=self.units[vn2].name, y=year, k=self.rng.randint(2, 12),
            country_vn=self.t["text"]["country_vn"], org_vn=self.pick(self.t["organisations"]["VN"]),
            person_vn=f"{self.person(None)} {self.pick(self.t['organisations']['VN'])} {self.typed(vn)}",
        )
        units_of = {"vn": [vn], "vn_t": [vn], "vn2": [vn2], "person_vn": [vn]}
        if fu is not None:
            self.add_foreign_slots(slots, units_of, country, fu)
        return Draft(kind, country, year, slots, units_of)

    def add_foreign_slots(self, slots: Slots, units_of: dict[str, list[str]], country: str, fu: str) -> None:
        """Placeholders of the foreign side: its unit, a second unit, a person, a gate."""
        c = self.t["countries"][country]
        unit = self.units[fu]
        fu2 = self.pick([u for u in c["foreign"] if u != fu])
        org_f = self.pick(self.t["organisations"][country])
        slots.update(
            fu=unit.name, fu_t=self.typed(fu), fu2_t=self.typed(fu2), country=c["name"], org_f=org_f,
            person_f=f"{self.person(country)} {org_f} {self.typed(fu)}", gate=self.pick(c["gates"]),
        )
        slots["venue"] = self.weighted(self.t["text"]["venues"]).format(gate=slots["gate"])
        units_of.update(fu=[fu], fu_t=[fu], fu2_t=[fu2], person_f=[fu])
        ctx, ctx_units = self.foreign_context(unit, c["name"])
        slots["fu_ctx"] = ctx
        units_of["fu_ctx"] = ctx_units

    def foreign_context(self, unit: Unit, country_name: str) -> tuple[str, list[str]]:
        """What stands in brackets after the foreign unit: its parent, a romanised
        alias, or just the country."""
        if unit.parent_id and self.chance(0.7):
            return f"{self.typed(unit.parent_id)}, {country_name}", [unit.parent_id]
        plain = [a for a in unit.aliases if a[:1].isupper() and " " not in a.strip() and a != unit.name]
        if plain and self.chance(0.4):
            return f"{self.pick(plain)}, {country_name}", [unit.province_id]
        return country_name, []

    # ---- border articles

    def border(self, kind: str) -> Draft:
        """An article about a meeting with a neighbour's side."""
        country = self.pick(sorted(self.t["countries"]))
        c = self.t["countries"][country]
        vn, fu = self.pick(c["vn"]), self.pick(c["foreign"])
        d = self.new_draft(kind, country, vn, fu)
        a = self.t["article"]
        no_year = self.chance(a["no_year_date"])
        d.body_has_year = not (no_year and self.chance(a["no_year_anywhere"]))
        main_date = self.main_meeting(d, no_year)
        if self.chance(a["image_caption"]):
            self.caption(d)
        self.border_facts(d)
        self.mention(d)
        self.patrols(d)
        self.fillers(d)
        if d.body_has_year and self.chance(a["second_meeting"]):
            self.follow_up(d, main_date)
        if no_year and d.body_has_year and "year-in-body" not in d.tags:
            d.paragraphs.append(self.render(d, self.pick(self.t["sentences"]["year"])))
            d.tags.append("year-in-body")
        if self.chance(0.5):
            self.mention(d)
        return d

    def main_meeting(self, d: Draft, no_year: bool) -> DateFact:
        """The sentence of the article's meeting; returns its date."""
        family = "talks" if d.kind == "online_talks" else d.kind
        forms = [m for m in self.t["main"] if d.kind in m["kinds"]]
        index = self.rng.randrange(len(forms))
        form = forms[index]
        date_text, date = self.date(d, form["position"], stated=not no_year)
        trigger = self.pick(self.t["triggers"][d.kind])
        d.paragraphs.append(self.render(d, form["text"], date=date_text, trigger=trigger))
        d.dates.append((d.kind, "held", date))
        d.main_parties = tuple(d.units_of[slot][0] for slot in form.get("parties", ["vn", "fu"]))
        d.tags += [f"main:{d.kind}#{index}", f"main-date:{self.date_tag}", f"family:{family}"]
        return date

    def date(self, d: Draft, position: str, stated: bool, after: DateFact | None = None) -> tuple[str, DateFact]:
        """A date form for ``position`` (with a year or not), after ``after`` if given."""
        forms = [f for f in self.t["dates"]["forms"] if f["position"] == position and f["year"] == stated]
        if after is not None:
            forms = [f for f in forms if self.fits_after(f["shape"], after)]
        form = self.pick(forms)
        self.date_tag = form["text"]
        fact = self.date_values(form["shape"], stated, d.year, after)
        if stated and position != "planned":  # a planned date lends no year to undated ones
            d.tags.append("year-in-body")
        values = {"d": fact.day, "m": fact.month, "y": fact.year, "d2": fact.day2, "m2": fact.month2,
                  "q": ROMAN[fact.quarter], "Cue": self.pick(self.t["dates"]["cues"])}
        return form["text"].format(**values), fact

    @staticmethod
    def fits_after(shape: str, after: DateFact) -> bool:
        """Whether a date of ``shape`` can fall later in the same year than ``after``."""
        last = after.last_month
        return {"month": last < 12, "day": last < 12, "quarter": (last - 1) // 3 < 3}.get(shape, False)

    def date_values(self, shape: str, stated: bool, year: int, after: DateFact | None) -> DateFact:
        """Random values for a date of ``shape`` (later than ``after`` if given)."""
        r = self.rng
        first_month = after.last_month + 1 if after else 1
        month = r.randint(first_month, 12 if after else 11)
        if shape == "quarter":
            q = r.randint((first_month - 2) // 3 + 2, 4)  # the quarter after the last month
            return DateFact(shape, stated, year, quarter=q)
        if shape == "range":
            day = r.randint(1, 24)
            return DateFact(shape, stated, year, month, day, month, day + r.randint(1, 4))
        if shape == "cross":
            return DateFact(shape, stated, year, month, r.randint(26, 28), month + 1, r.randint(1, 3))
        return DateFact(shape, stated, year, month, r.randint(1, 28), month, 1)

    def caption(self, d: Draft) -> None:
        """An image line and its caption (body text)."""
        caption = self.render(d, self.pick(self.t["captions"][d.kind]))
        credit = self.render(d, self.pick(self.t["captions"]["photo_credit"]))
        d.paragraphs += [self.t["text"]["image"], self.t["text"]["caption"].format(caption=caption, credit=credit)]

    def border_facts(self, d: Draft) -> None:
        """A province's border segment and/or the country's border length, in one paragraph."""
        a, c = self.t["article"], self.t["countries"][d.country]
        sentences = []
        if self.chance(a["province_segment"]):
            km = self.number(40, 480) + (f"{self.t['text']['decimal']}{self.rng.randint(1, 999)}" if self.chance(0.5) else "")
            sentences.append(self.render(d, self.pick(self.t["sentences"]["segment"]), km=km))
            d.truth.province_borders.add((d.units_of["vn"][0], d.country))
            d.tags.append("province-segment")
        if self.chance(a["country_length"]):
            stated = self.pick(c["lengths"])
            sentences.append(stated["text"])
            d.truth.border_lengths += [{"country_b": d.country, "segment": seg, "length_km": float(km)}
                                       for seg, km in stated["facts"]]
            d.tags.append("country-length")
        self.rng.shuffle(sentences)
        if sentences:
            d.paragraphs.append(" ".join(sentences))

    def mention(self, d: Draft) -> None:
        """A later, undated mention of the main meeting."""
        d.paragraphs.append(self.render(d, self.pick(self.t["mentions"][d.kind]), gifts=self.rng.randint(20, 300)))

    def patrols(self, d: Draft) -> None:
        """Maybe a patrol paragraph, maybe a second one."""
        a = self.t["article"]
        if self.chance(a["patrol_paragraph"]):
            self.patrol(d)
            if self.chance(a["second_patrol_sentence"]):
                self.patrol(d)

    def patrol(self, d: Draft) -> None:
        """A sentence reporting one or two patrol figures."""
        forms = self.t["patrols"]
        index = self.rng.randrange(len(forms))
        form = forms[index]
        words = self.t["patrol_words"]
        level_text = self.pick(sorted(self.t["patrol_levels"]))
        values: dict[str, Any] = {"level": level_text, "ptype": self.pick(words["ptypes"]), "unit": self.pick(words["units"]),
                                  "period": self.period(d)}
        for fact in form["facts"]:
            count = self.rng.randint(*words["count_range"])
            people = self.rng.randint(*words["people_range"])
            values[fact["count"]] = self.count_text(count)
            values[fact.get("people", "_")] = self.grouped(people)
            level = self.t["patrol_levels"][level_text] if fact["level"] == "level" else fact["level"]
            d.truth.patrols.append({"country_b": d.country, "level": level, "patrol_count": count,
                                    "personnel": people if "people" in fact else None, "personnel_scope": fact["scope"]})
        d.paragraphs.append(self.render(d, form["text"], **values))
        d.tags.append(f"patrol#{index}")

    def count_text(self, count: int) -> str:
        """A patrol count in digits, or (small ones, sometimes) in words."""
        words = self.t["patrol_words"]
        if count <= len(words["words"]) and self.chance(words["in_words"]):
            return words["words"][count - 1]
        return str(count)

    def period(self, d: Draft) -> str:
        """The period phrase opening a patrol sentence."""
        if d.body_has_year and self.chance(0.6):
            d.tags.append("year-in-body")
            return self.pick(self.t["periods"]["with_year"]).format(y=d.year)
        return self.pick(self.t["periods"]["without_year"])

    def fillers(self, d: Draft) -> None:
        """Neutral paragraphs (some are traps for the rules)."""
        lo, hi = self.t["article"]["filler_sentences"]
        for text in self.rng.sample(self.t["sentences"]["filler"], self.rng.randint(lo, hi)):
            d.paragraphs.append(self.render(d, text, n=self.rng.randint(20, 300)))

    def follow_up(self, d: Draft, main_date: DateFact) -> None:
        """A planned or postponed later meeting, dated after the main one in the same year."""
        forms = self.t["follow_up"]
        index = self.rng.randrange(len(forms))
        form = forms[index]
        if main_date.shape == "year" or not [f for f in self.t["dates"]["forms"]
                                             if f["position"] == "planned" and self.fits_after(f["shape"], main_date)]:
            return
        date_text, date = self.date(d, "planned", stated=True, after=main_date)
        d.paragraphs.append(self.render(d, form["text"], date=date_text))
        d.dates.append((form["kind"], form["status"], date))
        d.tags.append(f"follow-up#{index}")

    def resolve_dates(self, d: Draft) -> None:
        """The meetings of the truth, once it is known whether the body states a year."""
        body_year = d.year if d.body_has_year else None
        for kind, status, date in d.dates:
            start, end, precision = date.bounds(body_year)
            d.truth.meetings.append({"kind": kind, "status": status, "date_start": _iso(start), "date_end": _iso(end),
                                     "date_precision": precision, "countries": ["VN", d.country]})

    # ---- domestic articles (no border facts) and boilerplate

    def domestic(self, kind: str) -> Draft:
        """An article with no border facts at all."""
        vn = self.pick(self.vn_all)
        d = self.new_draft(kind, "VN", vn, None)
        sentences = self.t["sentences"]["domestic"]
        for text in self.rng.sample(sentences, self.rng.randint(3, len(sentences))):
            d.paragraphs.append(self.render(d, text, n=self.rng.randint(20, 90), d=self.rng.randint(1, 28), m=self.rng.randint(1, 12)))
        return d

    def boilerplate(self) -> str:
        """The block after the body: a marker line, then other stories' headlines."""
        b = self.t["boilerplate"]
        country2 = self.pick(sorted(self.t["countries"]))
        c2 = self.t["countries"][country2]
        lo, hi = self.t["article"]["boilerplate_headlines"]
        lines = [self.pick(b["markers"])]
        for text in self.rng.sample(b["headlines"], min(len(b["headlines"]), self.rng.randint(lo, hi))):
            lines.append(text.format(
                vn2=self.units[self.pick(c2["vn"])].name, fu2=self.units[self.pick(c2["foreign"])].name,
                country2=c2["name"], y2=self.rng.randint(2015, 2025), d=self.rng.randint(1, 28), m=self.rng.randint(1, 12),
                length2=b["lengths"][country2], n=self.rng.randint(40, 480),
            ))
        return "\n".join(lines) + "\n"


def generate_articles(n: int, seed: int = DEFAULT_SEED, templates: dict[str, Any] | None = None) -> list[SyntheticArticle]:
    """The first ``n`` articles for ``seed`` (deterministic; a prefix of any larger n)."""
    writer = ArticleWriter(templates or load_templates(), load_units(), random.Random(seed))
    return [writer.article(i) for i in range(n)]


def write_corpus(articles: list[SyntheticArticle], folder: Path) -> str:
    """Write ``<stem>.txt`` files and their ``expected.json`` (so that
    ``scripts/evaluate.py <folder>`` scores the corpus too); returns the sha256
    of the articles."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for a in articles:
        raw = a.text.encode("utf-8")
        (folder / f"{a.stem}.txt").write_bytes(raw)
        digest.update(a.stem.encode() + b"\0" + raw + b"\0")
    expected = {a.stem: a.expected for a in articles}
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return digest.hexdigest()

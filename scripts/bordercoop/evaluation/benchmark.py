"""Benchmark the pipeline on a synthetic corpus of N articles.

    python scripts/benchmark.py                    # N = 1000 and 10000
    python scripts/benchmark.py --sizes 200        # quick run
    python scripts/benchmark.py --sizes 1000 10000 --profile 25

Articles are generated from ``reference/benchmark_templates.toml`` with
``random.Random(seed)``: the same seed and N give the same corpus bytes, and a
smaller corpus is a prefix of a larger one. The generator records what each
article states, so the run also reports extraction recall and precision.

Each stage (ingest, extract, curate, assemble, validate = pandera and
cross-table checks, publish = write_staging, frictionless = check_package) is
timed with ``time.perf_counter`` in a plain run; a second run under
``tracemalloc`` gives each stage's peak Python heap (``--no-memory`` skips it).
Growth ratios t(N2)/t(N1) show linearity (linear = N2/N1). Throughputs are
compared with the first size, run in the same process on the same machine.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import gc
import hashlib
import io
import os
import platform
import pstats
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bordercoop.evaluation.score import Score  # noqa: E402
from bordercoop.facts import FACT_TABLES, DocumentFacts  # noqa: E402
from bordercoop.paths import REFERENCE as REFERENCE_DIR  # noqa: E402
from bordercoop.stages.assemble import Tables, assemble  # noqa: E402
from bordercoop.stages.curate import apply_curation, load_curation  # noqa: E402
from bordercoop.stages.extract import extract_document  # noqa: E402
from bordercoop.stages.ingest import IngestResult, ingest  # noqa: E402
from bordercoop.stages.publish import write_staging  # noqa: E402
from bordercoop.stages.validate import Issue, check_package, check_tables  # noqa: E402

TEMPLATES_PATH = REFERENCE_DIR / "benchmark_templates.toml"
GAZETTEER_PATH = REFERENCE_DIR / "gazetteer.csv"
DEFAULT_SEED = 20250401
DEFAULT_SIZES = (1000, 10000)
DEFAULT_FRICTIONLESS_MAX_ROWS = 250_000
WARM_UP_ARTICLES = 20
STAGES = ("ingest", "extract", "curate", "assemble", "validate", "publish", "frictionless")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
TARGET_EXTRACT_PER_S = 500.0
TARGET_VALIDATE_S = 10.0
TARGET_VALIDATE_N = 10000
_SENTENCE_START = re.compile(r"(^|[.!?] +)([a-zà-ỹđ])")


# ------------------------------------------------------------------ templates


@dataclass(frozen=True)
class Unit:
    province_id: str
    country: str
    name: str
    level: str
    parent_id: str
    aliases: tuple[str, ...]


def load_templates(path: Path = TEMPLATES_PATH) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_units(path: Path = GAZETTEER_PATH) -> dict[str, Unit]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["province_id"]: Unit(r["province_id"], r["country_code"], r["name_vi"], r["level"], r["parent_id"],
                               tuple(a for a in r["aliases"].split("|") if a))
        for r in rows
    }


# ------------------------------------------------------------------ truth


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
        return {"cross": self.month2, "quarter": 3 * self.quarter, "year": 12}.get(self.shape, self.month)

    def bounds(self, body_year: int | None) -> tuple[dt.date | None, dt.date | None, str]:
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


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass
class Truth:
    """What one generated article states (body only)."""

    meetings: list[tuple] = field(default_factory=list)  # (kind, status, start, end, precision)
    main_parties: tuple[str, ...] = ()  # units the main meeting sentence names as parties
    patrols: list[tuple] = field(default_factory=list)  # (count, personnel, scope, level)
    lengths: list[tuple] = field(default_factory=list)  # (country, segment, Decimal km)
    borders: set[tuple[str, str]] = field(default_factory=set)  # (province_id, neighbour)
    mentions: set[str] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)  # templates used, for diagnostics


@dataclass
class SyntheticArticle:
    stem: str
    text: str
    truth: Truth


# ------------------------------------------------------------------ generator


class Slots(dict):
    """Placeholder values; remembers which keys a template used, so the unit
    names it wrote can be recorded as province mentions."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
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
    body_has_year: bool = False


class ArticleWriter:
    def __init__(self, templates: dict[str, Any], units: dict[str, Unit], rng: random.Random):
        self.t = templates
        self.units = units
        self.rng = rng
        self.vn_all = sorted(u.province_id for u in units.values() if u.country == "VN" and u.level == "province")
        self.date_tag = ""  # the date form used last, for diagnostics

    # ---- small helpers

    def pick(self, items: list[Any] | tuple[Any, ...]) -> Any:
        return items[self.rng.randrange(len(items))]

    def weighted(self, weights: dict[str, float]) -> str:
        keys = sorted(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def typed(self, unit_id: str) -> str:
        unit = self.units[unit_id]
        word = self.t["type_words"].get(unit.level, "")
        return f"{word} {unit.name}".strip()

    def render(self, d: Draft, template: str, /, body: bool = True, **extra: Any) -> str:
        slots = Slots(d.slots)
        slots.update(extra)
        text = template.format_map(slots)
        if body:
            for key in slots.used:
                d.truth.mentions.update(d.units_of.get(key, []))
        return text

    def person(self, foreign: str | None) -> str:
        p = self.t["people"]
        name = self.pick(p["foreign"][foreign]) if foreign else f"{self.pick(p['surnames'])} {self.pick(p['middles'])} {self.pick(p['givens'])}"
        return f"{self.pick(p['titles'])} {name}, {self.pick(p['roles'])}"

    def number(self, low: int, high: int) -> str:
        return f"{self.rng.randint(low, high):,}".replace(",", ".")

    # ---- one article

    def article(self, index: int) -> SyntheticArticle:
        kind = self.weighted(self.t["article"]["kinds"])
        d = self.domestic(kind) if kind == "domestic" else self.border(kind)
        title = self.render(d, self.pick(self.t["headlines"][kind]), body=False)
        body = self.join_paragraphs(d.paragraphs)
        text = f"{title}\n{body}\n{self.boilerplate()}"
        self.resolve_dates(d)
        slug = self.units[d.units_of["vn"][0]].province_id.removeprefix("vn-")
        return SyntheticArticle(f"b{index:05d}_{slug}_{d.country.lower()}", text, d.truth)

    def join_paragraphs(self, paragraphs: list[str]) -> str:
        sep = "\n\n" if self.chance(self.t["article"]["blank_lines"]) else "\n"
        return sep.join(_SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), p) for p in paragraphs)

    def new_draft(self, kind: str, country: str, vn: str, fu: str | None) -> Draft:
        lo, hi = self.t["article"]["years"]
        year = self.rng.randint(lo, hi)
        vn2 = self.pick([u for u in self.vn_all if u != vn])
        slots = Slots(
            vn=self.units[vn].name, vn_t=self.typed(vn), vn2=self.units[vn2].name, y=year, k=self.rng.randint(2, 12),
            country_vn="Việt Nam", org_vn=self.pick(self.t["organisations"]["VN"]),
            person_vn=f"{self.person(None)} {self.pick(self.t['organisations']['VN'])} {self.typed(vn)}",
        )
        units_of = {"vn": [vn], "vn_t": [vn], "vn2": [vn2], "person_vn": [vn]}
        if fu is not None:
            self.add_foreign_slots(slots, units_of, country, fu)
        return Draft(kind, country, year, slots, units_of)

    def add_foreign_slots(self, slots: Slots, units_of: dict[str, list[str]], country: str, fu: str) -> None:
        c = self.t["countries"][country]
        unit = self.units[fu]
        fu2 = self.pick([u for u in c["foreign"] if u != fu])
        org_f = self.pick(self.t["organisations"][country])
        slots.update(
            fu=unit.name, fu_t=self.typed(fu), fu2_t=self.typed(fu2), country=c["name"], org_f=org_f,
            person_f=f"{self.person(country)} {org_f} {self.typed(fu)}", gate=self.pick(c["gates"]),
        )
        slots["venue"] = f"Cửa khẩu Quốc tế {slots['gate']}" if self.chance(0.5) else f"Cửa khẩu {slots['gate']}"
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
        if self.chance(a["patrol_paragraph"]):
            self.patrol(d)
            if self.chance(a["second_patrol_sentence"]):
                self.patrol(d)
        self.fillers(d)
        if d.body_has_year and self.chance(a["second_meeting"]):
            self.follow_up(d, main_date)
        if no_year and d.body_has_year and "year-in-body" not in d.truth.tags:
            d.paragraphs.append(self.render(d, self.pick(self.t["sentences"]["year"])))
            d.truth.tags.append("year-in-body")
        if self.chance(0.5):
            self.mention(d)
        return d

    def main_meeting(self, d: Draft, no_year: bool) -> DateFact:
        family = "talks" if d.kind == "online_talks" else d.kind
        forms = [m for m in self.t["main"] if d.kind in m["kinds"]]
        index = self.rng.randrange(len(forms))
        form = forms[index]
        date_text, date = self.date(d, form["position"], stated=not no_year)
        trigger = self.pick(self.t["triggers"][d.kind])
        d.paragraphs.append(self.render(d, form["text"], date=date_text, trigger=trigger))
        d.dates.append((d.kind, "held", date))
        d.truth.main_parties = tuple(d.units_of[slot][0] for slot in form.get("parties", ["vn", "fu"]))
        d.truth.tags += [f"main:{d.kind}#{index}", f"main-date:{self.date_tag}", f"family:{family}"]
        return date

    def date(self, d: Draft, position: str, stated: bool, after: DateFact | None = None) -> tuple[str, DateFact]:
        forms = [f for f in self.t["dates"]["forms"] if f["position"] == position and f["year"] == stated]
        if after is not None:
            forms = [f for f in forms if self.fits_after(f["shape"], after)]
        form = self.pick(forms)
        self.date_tag = form["text"]
        fact = self.date_values(form["shape"], stated, d.year, after)
        if stated and position != "planned":  # a planned date lends no year to undated ones
            d.truth.tags.append("year-in-body")
        values = {"d": fact.day, "m": fact.month, "y": fact.year, "d2": fact.day2, "m2": fact.month2,
                  "q": ROMAN[fact.quarter], "Cue": self.pick(self.t["dates"]["cues"])}
        return form["text"].format(**values), fact

    @staticmethod
    def fits_after(shape: str, after: DateFact) -> bool:
        last = after.last_month
        return {"month": last < 12, "day": last < 12, "quarter": (last - 1) // 3 < 3}.get(shape, False)

    def date_values(self, shape: str, stated: bool, year: int, after: DateFact | None) -> DateFact:
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
        caption = self.render(d, self.pick(self.t["captions"][d.kind]))
        credit = self.render(d, self.pick(self.t["captions"]["photo_credit"]))
        d.paragraphs += ["![]() |", f"| {caption} (Ảnh: {credit}) |"]

    def border_facts(self, d: Draft) -> None:
        a, c = self.t["article"], self.t["countries"][d.country]
        sentences = []
        if self.chance(a["province_segment"]):
            km = self.number(40, 480) + (f",{self.rng.randint(1, 999)}" if self.chance(0.5) else "")
            sentences.append(self.render(d, self.pick(self.t["sentences"]["segment"]), km=km))
            d.truth.borders.add((d.units_of["vn"][0], d.country))
            d.truth.tags.append("province-segment")
        if self.chance(a["country_length"]):
            stated = self.pick(c["lengths"])
            sentences.append(stated["text"])
            d.truth.lengths += [(d.country, seg, Decimal(km)) for seg, km in stated["facts"]]
            d.truth.tags.append("country-length")
        self.rng.shuffle(sentences)
        if sentences:
            d.paragraphs.append(" ".join(sentences))

    def mention(self, d: Draft) -> None:
        d.paragraphs.append(self.render(d, self.pick(self.t["mentions"][d.kind]), gifts=self.rng.randint(20, 300)))

    def patrol(self, d: Draft) -> None:
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
            values[fact.get("people", "_")] = f"{people:,}".replace(",", ".")
            level = self.t["patrol_levels"][level_text] if fact["level"] == "level" else fact["level"]
            d.truth.patrols.append((count, people if "people" in fact else None, fact["scope"], level))
        d.paragraphs.append(self.render(d, form["text"], **values))
        d.truth.tags.append(f"patrol#{index}")

    def count_text(self, count: int) -> str:
        words = self.t["patrol_words"]
        if count <= len(words["words"]) and self.chance(words["in_words"]):
            return words["words"][count - 1]
        return str(count)

    def period(self, d: Draft) -> str:
        if d.body_has_year and self.chance(0.6):
            d.truth.tags.append("year-in-body")
            return self.pick(self.t["periods"]["with_year"]).format(y=d.year)
        return self.pick(self.t["periods"]["without_year"])

    def fillers(self, d: Draft) -> None:
        lo, hi = self.t["article"]["filler_sentences"]
        for text in self.rng.sample(self.t["sentences"]["filler"], self.rng.randint(lo, hi)):
            d.paragraphs.append(self.render(d, text, n=self.rng.randint(20, 300)))

    def follow_up(self, d: Draft, main_date: DateFact) -> None:
        forms = self.t["follow_up"]
        index = self.rng.randrange(len(forms))
        form = forms[index]
        if main_date.shape == "year" or not [f for f in self.t["dates"]["forms"]
                                             if f["position"] == "planned" and self.fits_after(f["shape"], main_date)]:
            return
        date_text, date = self.date(d, "planned", stated=True, after=main_date)
        d.paragraphs.append(self.render(d, form["text"], date=date_text))
        d.dates.append((form["kind"], form["status"], date))
        d.truth.tags.append(f"follow-up#{index}")

    def resolve_dates(self, d: Draft) -> None:
        body_year = d.year if d.body_has_year else None
        for kind, status, date in d.dates:
            start, end, precision = date.bounds(body_year)
            d.truth.meetings.append((kind, status, start, end, precision))

    # ---- domestic articles (no border facts) and boilerplate

    def domestic(self, kind: str) -> Draft:
        vn = self.pick(self.vn_all)
        d = self.new_draft(kind, "VN", vn, None)
        for text in self.rng.sample(self.t["sentences"]["domestic"], self.rng.randint(3, len(self.t["sentences"]["domestic"]))):
            d.paragraphs.append(self.render(d, text, n=self.rng.randint(20, 90), d=self.rng.randint(1, 28), m=self.rng.randint(1, 12)))
        return d

    def boilerplate(self) -> str:
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
    """Write ``<stem>.txt`` files; returns the sha256 of the whole corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for a in articles:
        raw = a.text.encode("utf-8")
        (folder / f"{a.stem}.txt").write_bytes(raw)
        digest.update(a.stem.encode() + b"\0" + raw + b"\0")
    return digest.hexdigest()


# ------------------------------------------------------------------ pipeline run


class Skipped(Exception):
    """A stage that was deliberately not run; the message says why."""


@dataclass
class PipelineState:
    corpus: Path
    package_dir: Path
    frictionless_max_rows: int
    ingested: IngestResult | None = None
    facts: list[DocumentFacts] = field(default_factory=list)
    curation_notes: list[str] = field(default_factory=list)
    tables: Tables = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    descriptor: Path | None = None
    frictionless_issues: list[Issue] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _ingest(s: PipelineState) -> None:
    s.ingested = ingest(s.corpus, package_root=s.corpus.parent)


def _extract(s: PipelineState) -> None:
    assert s.ingested is not None
    s.facts = [extract_document(doc) for doc in s.ingested.documents]


def _curate(s: PipelineState) -> None:
    s.facts, s.curation_notes = apply_curation(s.facts, load_curation())


def _assemble(s: PipelineState) -> None:
    s.tables = assemble(s.facts)


def _validate(s: PipelineState) -> None:
    assert s.ingested is not None
    s.issues = check_tables(s.tables, {doc.document_id: doc.text for doc in s.ingested.documents})


def _publish(s: PipelineState) -> None:
    s.descriptor = write_staging(s.tables, s.package_dir)


def _frictionless(s: PipelineState) -> None:
    if s.rows > s.frictionless_max_rows:
        raise Skipped(f"skipped: {s.rows:,} rows > --frictionless-max-rows {s.frictionless_max_rows:,}")
    assert s.descriptor is not None
    s.frictionless_issues = check_package(s.descriptor)


STAGE_FUNCTIONS: dict[str, Callable[[PipelineState], None]] = {
    "ingest": _ingest, "extract": _extract, "curate": _curate, "assemble": _assemble,
    "validate": _validate, "publish": _publish, "frictionless": _frictionless,
}


@dataclass
class StageResult:
    seconds: float | None = None
    peak_bytes: int | None = None
    skipped: str = ""


def run_stages(state: PipelineState, trace_memory: bool) -> dict[str, StageResult]:
    """Run every stage in order; time each, and with ``trace_memory`` record the
    peak traced Python heap while it ran."""
    results: dict[str, StageResult] = {}
    gc.collect()
    if trace_memory:
        tracemalloc.start()
    try:
        for name in STAGES:
            results[name] = _run_stage(name, state, trace_memory)
    finally:
        if trace_memory:
            tracemalloc.stop()
    return results


def _run_stage(name: str, state: PipelineState, trace_memory: bool) -> StageResult:
    if trace_memory:
        tracemalloc.reset_peak()
    t0 = time.perf_counter()
    try:
        STAGE_FUNCTIONS[name](state)
    except Skipped as exc:
        return StageResult(skipped=str(exc))
    seconds = time.perf_counter() - t0
    return StageResult(seconds, tracemalloc.get_traced_memory()[1] if trace_memory else None)


# ------------------------------------------------------------------ quality


@dataclass
class Quality:
    articles: int = 0
    scores: dict[str, Score] = field(default_factory=dict)
    count_recall: dict[str, float] = field(default_factory=dict)
    exact_articles: int = 0
    boilerplate_rows: int = 0
    foreign_border_rows: int = 0  # foreign units said to border Vietnam: not counted as facts (devset convention)
    skipped_files: int = 0
    failing_tags: Counter = field(default_factory=Counter)
    tag_totals: Counter = field(default_factory=Counter)


def _extracted(f: DocumentFacts) -> dict[str, list]:
    return {
        "meetings": [(m["kind"], m["status"], m["date_start"], m["date_end"], m["date_precision"]) for m in f.table("meetings")],
        "patrols": [(p["patrol_count"], p["personnel"], p["personnel_scope"], p["level"]) for p in f.table("patrols")],
        "border_lengths": [(r["country_b"], r["segment"], Decimal(r["length_km"])) for r in f.table("border_lengths")],
        "province_borders": [(r["province_id"], r["neighbour_country"]) for r in f.table("province_borders") if r["province_id"].startswith("vn-")],
        "province_mentions": sorted({r["province_id"] for r in f.table("province_mentions")}),
    }


def _expected(t: Truth) -> dict[str, list]:
    return {"meetings": t.meetings, "patrols": t.patrols, "border_lengths": t.lengths,
            "province_borders": sorted(t.borders), "province_mentions": sorted(t.mentions)}


def _main_parties_ok(f: DocumentFacts, t: Truth) -> bool:
    if not t.main_parties or not t.meetings:
        return True
    ids = {m["meeting_id"] for m in f.table("meetings")
           if (m["kind"], m["status"], m["date_start"], m["date_end"], m["date_precision"]) == t.meetings[0]}
    parties = {p["province_id"] for p in f.table("meeting_parties") if p["meeting_id"] in ids}
    return set(t.main_parties) <= parties


def _boilerplate_rows(f: DocumentFacts) -> int:
    doc = f.document
    return sum(1 for table in FACT_TABLES for r in f.table(table)
               if "char_start" in r and not (doc.body_start <= r["char_start"] and r["char_end"] <= doc.body_end))


def score_extraction(facts: list[DocumentFacts], articles: list[SyntheticArticle], skipped: int = 0) -> Quality:
    """Compare extracted facts with what the generator wrote, article by article."""
    q = Quality(skipped_files=skipped)
    truths = {a.stem: a.truth for a in articles}
    names = ("meetings", "patrols", "border_lengths", "province_borders", "province_mentions")
    q.scores = {n: Score() for n in (*names, "main_parties")}
    counts = {n: [0, 0] for n in ("meetings", "patrols")}  # [min(extracted, truth), truth]
    for f in facts:
        truth = truths[f.document.document_id]
        got, want = _extracted(f), _expected(truth)
        exact = all([q.scores[n].add(want[n], got[n]) for n in names])
        q.scores["main_parties"].add([1] if truth.main_parties else [], [1] if truth.main_parties and _main_parties_ok(f, truth) else [])
        for n in counts:
            counts[n][0] += min(len(got[n]), len(want[n]))
            counts[n][1] += len(want[n])
        q.boilerplate_rows += _boilerplate_rows(f)
        q.foreign_border_rows += sum(1 for r in f.table("province_borders") if not r["province_id"].startswith("vn-"))
        q.articles += 1
        q.exact_articles += exact
        q.tag_totals.update(set(truth.tags))
        if Counter(got["meetings"]) != Counter(want["meetings"]) or Counter(got["patrols"]) != Counter(want["patrols"]):
            q.failing_tags.update(set(truth.tags))
    q.count_recall = {n: (c[0] / c[1] if c[1] else 1.0) for n, c in counts.items()}
    return q


# ------------------------------------------------------------------ benchmark


@dataclass
class SizeRun:
    n: int
    corpus_bytes: int
    corpus_sha256: str
    generate_seconds: float
    stages: dict[str, StageResult]
    rows: dict[str, int]
    quality: Quality
    issues: list[Issue]
    frictionless_issues: list[Issue]
    max_rss_kb: int
    profile: str = ""


def run_size(n: int, seed: int, workdir: Path, frictionless_max_rows: int, memory: bool, profile: int = 0,
             templates: dict[str, Any] | None = None) -> SizeRun:
    """Generate N articles into ``workdir``, run the stages (timed, then traced)."""
    t0 = time.perf_counter()
    articles = generate_articles(n, seed, templates)
    corpus = workdir / f"corpus-{n}"
    sha = write_corpus(articles, corpus)
    generate_seconds = time.perf_counter() - t0
    state = PipelineState(corpus, workdir / f"package-{n}", frictionless_max_rows)
    stages = run_stages(state, trace_memory=False)
    assert state.ingested is not None
    quality = score_extraction(state.facts, articles, len(state.ingested.skipped))
    rows = {t: len(r) for t, r in state.tables.items()}
    issues, fr_issues = state.issues, state.frictionless_issues
    profile_text = _profile_extraction(state, profile) if profile else ""
    del state
    shutil.rmtree(workdir / f"package-{n}", ignore_errors=True)
    if memory:
        traced = run_stages(PipelineState(corpus, workdir / f"package-{n}-mem", frictionless_max_rows), trace_memory=True)
        for name, r in traced.items():
            stages[name].peak_bytes = r.peak_bytes
        shutil.rmtree(workdir / f"package-{n}-mem", ignore_errors=True)
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return SizeRun(n, size, sha, generate_seconds, stages, rows, quality, issues, fr_issues, max_rss, profile_text)


def _profile_extraction(state: PipelineState, top: int) -> str:
    assert state.ingested is not None
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in state.ingested.documents:
        extract_document(doc)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def warm_up(n: int, seed: int, workdir: Path, templates: dict[str, Any] | None = None) -> None:
    """Run every stage once on a few articles (not reported), so that imports,
    regex compilation and caches are not charged to the first measured size."""
    corpus = workdir / "warm-up"
    write_corpus(generate_articles(n, seed + 1, templates), corpus)
    run_stages(PipelineState(corpus, workdir / "warm-up-package", DEFAULT_FRICTIONLESS_MAX_ROWS), trace_memory=False)
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(workdir / "warm-up-package", ignore_errors=True)


def run_benchmark(sizes: list[int], seed: int = DEFAULT_SEED, frictionless_max_rows: int = DEFAULT_FRICTIONLESS_MAX_ROWS,
                  memory: bool = True, profile: int = 0, keep: Path | None = None,
                  templates: dict[str, Any] | None = None, warm_up_articles: int = WARM_UP_ARTICLES) -> list[SizeRun]:
    runs = []
    workdir = keep or Path(tempfile.mkdtemp(prefix="vn-border-bench-"))
    try:
        if warm_up_articles:
            warm_up(warm_up_articles, seed, workdir, templates)
        for i, n in enumerate(sizes):
            runs.append(run_size(n, seed, workdir, frictionless_max_rows, memory, profile if i == 0 else 0, templates))
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return runs


# ------------------------------------------------------------------ report


def machine_line() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} logical CPUs ({usable} usable); "
            f"Python {platform.python_version()}; one process, stages run single-threaded (one core)")


def _rate(n: int, r: StageResult) -> str:
    if r.seconds is None:
        return "-"
    return f"{n / r.seconds:,.0f}" if r.seconds > 0 else "inf"


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 2**20:,.1f}"


def stage_table(runs: list[SizeRun]) -> str:
    """One row per stage: seconds, articles/s and peak heap per size, then the
    growth ratio between consecutive sizes."""
    head = f"{'stage':<13}"
    for r in runs:
        head += f" | {'N=' + format(r.n, ','):>10} {'s':>7} {'art/s':>9} {'peak MB':>8}"
    for a, b in zip(runs, runs[1:], strict=False):
        head += f" | t({b.n})/t({a.n})"
    lines = [head, "-" * len(head)]
    for name in (*STAGES, "total"):
        lines.append(_stage_row(name, runs))
    return "\n".join(lines)


def _stage_row(name: str, runs: list[SizeRun]) -> str:
    row = f"{name:<13}"
    results = [_total(r) if name == "total" else r.stages[name] for r in runs]
    for run, res in zip(runs, results, strict=True):
        seconds = "skipped" if res.skipped else f"{res.seconds:.3f}"
        row += f" | {'':>10} {seconds:>7} {_rate(run.n, res):>9} {_mb(res.peak_bytes):>8}"
    for (ra, a), (rb, b) in zip(zip(runs, results, strict=True), zip(runs[1:], results[1:], strict=True), strict=False):
        row += f" | {_growth(a, b):>{len(f't({rb.n})/t({ra.n})')}}"
    return row


def _total(run: SizeRun) -> StageResult:
    done = [r for r in run.stages.values() if r.seconds is not None]
    peaks = [r.peak_bytes for r in done if r.peak_bytes is not None]
    return StageResult(sum(r.seconds for r in done if r.seconds is not None), max(peaks) if peaks else None)


def _growth(a: StageResult, b: StageResult) -> str:
    if a.seconds is None or b.seconds is None or a.seconds <= 0:
        return "-"
    ratio = b.seconds / a.seconds
    return f"{ratio:.1f}" + ("~" if a.seconds < 0.05 else "")


def report(runs: list[SizeRun], seed: int, frictionless_max_rows: int) -> str:
    out = [
        f"Synthetic corpus: templates {TEMPLATES_PATH.relative_to(REFERENCE_DIR.parent.parent)}, seed {seed}",
        machine_line(),
        "",
    ]
    for r in runs:
        out.append(f"N={r.n:,}: {r.corpus_bytes / 2**20:.1f} MiB, corpus sha256 {r.corpus_sha256[:16]}, generated in "
                   f"{r.generate_seconds:.2f} s; rows: " + ", ".join(f"{t}={c:,}" for t, c in r.rows.items()))
    out += ["", stage_table(runs), ""]
    out += _notes(runs, frictionless_max_rows)
    out += [""] + _memory_lines(runs) + [""] + _relative_lines(runs) + [""] + _target_lines(runs)
    out += [""] + _quality_lines(runs[-1])
    for r in runs:
        if r.profile:
            out += ["", f"cProfile of extract_document over the N={r.n:,} corpus:", r.profile]
    return "\n".join(out)


def _notes(runs: list[SizeRun], frictionless_max_rows: int) -> list[str]:
    notes = [
        "art/s = articles per second; peak MB = tracemalloc peak of the Python heap while the stage ran (separate traced run);",
        "validate = validate.check_tables (pandera + foreign keys + cross-table rules); publish = publish.write_staging;",
        "frictionless = validate.check_package on the written package; growth: linear = the size ratio; ~ = under 50 ms, noisy.",
        "A warm-up run on a few other articles precedes the sizes, so imports and regex compilation are not timed.",
    ]
    for r in runs:
        if r.stages["frictionless"].skipped:
            notes.append(f"N={r.n:,}: frictionless {r.stages['frictionless'].skipped} (raise it to run Frictionless).")
    return notes


def _memory_lines(runs: list[SizeRun]) -> list[str]:
    lines = []
    for r in runs:
        peak = _total(r).peak_bytes
        lines.append(f"N={r.n:,}: peak Python heap (tracemalloc) {_mb(peak)} MB; process max RSS (ru_maxrss, "
                     f"high-water mark of this process so far) {r.max_rss_kb / 1024:,.0f} MB")
    return lines


def _relative_lines(runs: list[SizeRun]) -> list[str]:
    ref = runs[0]
    ref_rate = ref.n / ref.stages["extract"].seconds if ref.stages["extract"].seconds else 0.0
    lines = [f"Extraction throughput relative to the N={ref.n:,} reference run (same process): "]
    for r in runs:
        rate = r.n / r.stages["extract"].seconds if r.stages["extract"].seconds else 0.0
        lines[0] += f"N={r.n:,}: {rate:,.1f} art/s = {rate / ref_rate:.2f}x; " if ref_rate else ""
    lines[0] = lines[0].rstrip("; ")
    if len(runs) > 1:
        a, b = runs[0], runs[-1]
        lines.append(f"Linear growth from N={a.n:,} to N={b.n:,} means a time ratio of {b.n / a.n:.1f} per stage.")
    return lines


def _target_lines(runs: list[SizeRun]) -> list[str]:
    big = runs[-1]
    rate = big.n / big.stages["extract"].seconds if big.stages["extract"].seconds else 0.0
    lines = [f"Target extraction >= {TARGET_EXTRACT_PER_S:.0f} articles/s on one core: "
             f"{'MET' if rate >= TARGET_EXTRACT_PER_S else 'NOT MET'} ({rate:,.1f} art/s at N={big.n:,})"]
    at_target = [r for r in runs if r.n == TARGET_VALIDATE_N]
    if at_target:
        v = at_target[0].stages["validate"].seconds or 0.0
        lines.append(f"Target validate (check_tables) of the N={TARGET_VALIDATE_N:,} tables < {TARGET_VALIDATE_S:.0f} s: "
                     f"{'MET' if v < TARGET_VALIDATE_S else 'NOT MET'} ({v:.2f} s)")
    else:
        lines.append(f"Target validate < {TARGET_VALIDATE_S:.0f} s at N={TARGET_VALIDATE_N:,}: not measured (size not run)")
    if len(runs) > 1:
        lines.append("Growth " + _linearity(runs[0], runs[-1]))
    return lines


def _linearity(a: SizeRun, b: SizeRun) -> str:
    expected = b.n / a.n
    verdicts = []
    for name in STAGES:
        sa, sb = a.stages[name].seconds, b.stages[name].seconds
        if sa and sb and sa >= 0.05:
            ratio = sb / sa
            verdict = "linear" if ratio <= 1.3 * expected else "SUPERLINEAR"
            verdicts.append(f"{name} {ratio:.1f} ({verdict})")
    return f"(expected {expected:.1f}): " + ", ".join(verdicts)


def _quality_lines(run: SizeRun) -> list[str]:
    q = run.quality
    lines = [f"Extraction quality at N={run.n:,} against the generator's truth ({q.articles:,} articles, "
             f"{q.exact_articles / max(q.articles, 1):.1%} fully exact; {q.skipped_files} files skipped by ingest):"]
    for name, s in q.scores.items():
        lines.append(f"  {name:<18} truth {s.expected:>7,}  extracted {s.found:>7,}  recall {s.recall:6.1%}  precision {s.precision:6.1%}")
    lines.append("  count recall: " + ", ".join(f"{n} {v:.1%}" for n, v in q.count_recall.items())
                 + f"; rows outside the article body (boilerplate): {q.boilerplate_rows}")
    lines.append(f"  province_borders scores Vietnamese provinces only (tests/devset convention); {q.foreign_border_rows:,} further "
                 "rows pair a foreign unit with VN")
    lines.append(f"  validation issues: check_tables {len(run.issues)}, frictionless {len(run.frictionless_issues)}")
    for issue in (run.issues + run.frictionless_issues)[:5]:
        lines.append(f"    {issue}")
    worst = sorted(((q.failing_tags[t] / q.tag_totals[t], t) for t in q.failing_tags if q.tag_totals[t] >= 5), reverse=True)[:6]
    if worst:
        lines.append("  templates most often in articles with a meeting/patrol mismatch: "
                     + "; ".join(f"{t!r} {share:.0%}" for share, t in worst))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="corpus sizes (articles)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--frictionless-max-rows", type=int, default=DEFAULT_FRICTIONLESS_MAX_ROWS,
                        help="skip Frictionless when the package has more rows than this")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP",
                        help="cProfile extraction on the first size and print the TOP functions")
    parser.add_argument("--keep", type=Path, default=None, help="write the corpora here and keep them (default: a temporary folder)")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be positive")
    runs = run_benchmark(args.sizes, args.seed, args.frictionless_max_rows, not args.no_memory, args.profile, args.keep)
    print(report(runs, args.seed, args.frictionless_max_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

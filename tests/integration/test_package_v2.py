"""Data Package v2 conformance of every descriptor the build writes: the committed
package and a ``--out`` build of articles that lie outside the output folder.

Checked against the specification's own JSON Schemas (``tests/profiles/2.0/``)
with jsonschema, plus what the profiles cannot express: paths inside the package,
v2 contributor roles, the dialect matching the bytes, the v2 self-reference and
the licence's exclusion of quoted article text.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import jsonschema
import pytest

PROFILES = Path(__file__).resolve().parents[1] / "profiles" / "2.0"


def _profile(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((PROFILES / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(validator: jsonschema.Draft7Validator, instance: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def out_package(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package built with --out from a seeds folder beside (not inside) it."""
    base = tmp_path_factory.mktemp("v2")
    shutil.copytree(root / "seeds", base / "articles")
    cmd = [sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(base / "articles"), "--out", str(base / "pkg"), "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return base / "pkg"


@pytest.fixture(params=["repository", "out"])
def package(request: pytest.FixtureRequest, root: Path) -> Path:
    return root if request.param == "repository" else request.getfixturevalue("out_package")


def _descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def test_profiles_reject_what_v2_forbids() -> None:
    """The profiles are live: a ../ path and a missing resource list fail them."""
    validator = _profile("datapackage")
    assert _errors(validator, {"name": "x"})
    bad = {"resources": [{"name": "t", "path": "../t.csv"}], "sources": [{"path": "../seeds/a.txt"}]}
    assert len(_errors(validator, bad)) >= 2


def test_descriptor_validates_against_the_v2_profiles(package: Path) -> None:
    d = _descriptor(package)
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert _errors(_profile("datapackage"), d) == []
    resource_profile, schema_profile, dialect_profile = _profile("dataresource"), _profile("tableschema"), _profile("tabledialect")
    for resource in d["resources"]:
        schema = json.loads((package / resource["schema"]).read_text(encoding="utf-8"))
        assert _errors(schema_profile, schema) == [], resource["schema"]
        assert _errors(dialect_profile, resource["dialect"]) == [], resource["name"]
        assert _errors(resource_profile, {**resource, "schema": schema}) == [], resource["name"]


def _local_paths(package: Path, d: dict) -> list[str]:
    """Every path the descriptor and the documents table give, except URLs."""
    paths = [r["path"] for r in d["resources"]] + [r["schema"] for r in d["resources"]]
    paths += [s["path"] for s in d["sources"] if "path" in s]
    with open(package / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
        paths += [row["path"] for row in csv.DictReader(fh)]
    return [p for p in paths if not p.startswith(("http://", "https://"))]


def test_every_path_is_inside_the_package(package: Path) -> None:
    paths = _local_paths(package, _descriptor(package))
    documents = sum(1 for _ in (package / "data" / "documents.csv").open(encoding="utf-8")) - 1
    assert len(paths) >= 2 * 8 + documents
    for p in paths:
        assert not PurePosixPath(p).is_absolute() and ".." not in PurePosixPath(p).parts and "\\" not in p, p
        assert (package / p).is_file(), f"{p} is not a file of the package"
        assert (package / p).resolve().is_relative_to(package.resolve()), p


def test_articles_from_outside_are_copied_byte_for_byte(out_package: Path, root: Path) -> None:
    with open(out_package / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert row["path"].startswith("data/articles/"), row["path"]
        assert (out_package / row["path"]).read_bytes() == (root / "seeds" / Path(row["path"]).name).read_bytes()


def test_v2_metadata(package: Path) -> None:
    d = _descriptor(package)
    assert isinstance(d["id"], str) and d["id"].strip()
    for contributor in d["contributors"]:
        assert "role" not in contributor  # v1
        assert contributor["roles"] and not {"author", "maintainer", "publisher", "wrangler"} & set(contributor["roles"])
    for resource in d["resources"]:
        assert resource["dialect"]["lineTerminator"] == "\n"
        blob = (package / resource["path"]).read_bytes()
        assert b"\r" not in blob and blob.endswith(b"\n"), resource["path"]
    licence = " ".join(lic.get("title", "") for lic in d["licenses"]).lower()
    assert "not covered" in licence and "evidence" in licence and "quoted" in licence


def test_id_is_the_same_for_every_build(root: Path, out_package: Path) -> None:
    assert _descriptor(out_package)["id"] == _descriptor(root)["id"]


def test_self_references_use_the_v2_form(package: Path) -> None:
    self_references = 0
    for resource in _descriptor(package)["resources"]:
        schema = json.loads((package / resource["schema"]).read_text(encoding="utf-8"))
        names = {f["name"] for f in schema["fields"]}
        for fk in schema.get("foreignKeys", []):
            assert fk["reference"].get("resource") != "", (resource["name"], fk)  # v1 wrote ""
            if "resource" not in fk["reference"]:
                self_references += 1
                assert set(fk["reference"]["fields"]) <= names
    assert self_references >= 1  # provinces: parent_id and successor_id

"""Reading one seed file: the fast construction gives what `yaml.safe_load` gives."""

import datetime as dt

import pytest
import yaml

from timeline_api.seeds.files import SeedFileError, read_seed_file

DOCUMENTS = [
    "slug: a\ntags: [x, 'y']\nactors:\n  - actor: b\n    role: issuer\n",
    "count: 3\nratio: 2.5\nempty: null\nflag: yes\nday: 2020-01-02\nquoted: '2020-01-02'\n",
    "base: &base {x: 1}\nmerged:\n  <<: *base\n  y: 2\n",  # a merge key
    "loop: &loop [1, *loop]\n",  # a recursive alias
    "- &shared {k: v}\n- *shared\n",
    "a: 1\na: 2\n",
    "1: number key\n",
    "a: !!int '3'\nb: !!binary aGk=\n",
    "!!str 1\n",
    "",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents_read_as_safe_load_reads_them(tmp_path, text):
    path = tmp_path / "event.yaml"
    path.write_text(text, encoding="utf-8")

    assert repr(read_seed_file(path).data) == repr(yaml.safe_load(text))


def test_scalars_keep_their_yaml_types(tmp_path):
    path = tmp_path / "event.yaml"
    path.write_text("date: 2020-09-08\ncount: 3\ntitle: 'x'\n", encoding="utf-8")

    assert read_seed_file(path).data == {"date": dt.date(2020, 9, 8), "count": 3, "title": "x"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: !custom x\n", "could not determine a constructor"),
        ("? [1]\n: x\n", "found unhashable key"),
    ],
)
def test_what_safe_load_rejects_is_a_problem_of_the_file(tmp_path, text, reason):
    path = tmp_path / "event.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SeedFileError) as raised:
        read_seed_file(path)

    assert raised.value.problem.file == str(path)
    assert raised.value.problem.line == 1
    assert "invalid YAML" in raised.value.problem.reason

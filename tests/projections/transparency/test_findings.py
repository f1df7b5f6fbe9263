"""How a check of the transparency log words what it finds."""

import json

from projections.transparency.findings import AuditReport, Problem, differences


def leaf(**fields):
    return json.dumps(fields).encode()


def test_a_problem_names_its_position_and_leaf():
    assert str(Problem("changed", position=7, leaf_index=6)) == "position 7 (leaf 6): changed"


def test_a_problem_without_a_place_is_its_message():
    assert str(Problem("no log")) == "no log"


def test_a_report_is_ok_only_without_problems():
    assert AuditReport().ok
    assert not AuditReport(problem_count=1).ok


def test_differences_name_the_public_fields_that_changed():
    recomputed = leaf(commitment="a", public={"minutes": 60, "status": "approved"})
    logged = leaf(commitment="a", public={"minutes": 90, "status": "approved"})
    assert differences(recomputed, logged) == ["public.minutes"]


def test_only_the_commitment_differing_means_bytes_no_public_field_shows():
    assert differences(leaf(commitment="a", public={}), leaf(commitment="b", public={})) == [
        "commitment"
    ]


def test_leaves_that_are_not_json_objects_name_no_field():
    assert differences(b"not json", leaf(commitment="a")) == []

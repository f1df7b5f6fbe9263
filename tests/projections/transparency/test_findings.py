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


def test_differences_name_the_public_values_and_commitments_that_changed():
    recomputed = leaf(state="a", public={"status": "approved"}, commitments={"minutes": "m1"})
    logged = leaf(state="a", public={"status": "rejected"}, commitments={"minutes": "m2"})
    assert differences(recomputed, logged) == ["commitments.minutes", "public.status"]


def test_only_the_state_differing_means_bytes_no_public_value_or_commitment_shows():
    assert differences(leaf(state="a", public={}), leaf(state="b", public={})) == ["state"]


def test_leaves_that_are_not_json_objects_name_no_field():
    assert differences(b"not json", leaf(state="a")) == []

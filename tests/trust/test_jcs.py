"""RFC 8785 canonical JSON: the RFC's own examples, escaping, and the values we refuse."""

from __future__ import annotations

import datetime
import decimal
import json
from collections import OrderedDict

import pytest

from trust.errors import CanonicalizationError
from trust.jcs import MAX_DEPTH, MAX_SAFE_INTEGER, canonicalize


def test_rfc_8785_sorting_example_orders_keys_by_utf16_code_units():
    # RFC 8785 §3.2.3. U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB33.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonicalize(value) == expected.encode()


def test_rfc_8785_example_without_numbers_is_reproduced():
    # RFC 8785 §3.2.2's input, less its "numbers" member (we refuse floats).
    source = (
        '{"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert canonicalize(json.loads(source)) == expected.encode()


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\b", "\\b"),
        ("\f", "\\f"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\x00", "\\u0000"),
        ("\x0b", "\\u000b"),
        ("\x1f", "\\u001f"),
        ("\x1a", "\\u001a"),
    ],
)
def test_string_escapes_only_what_rfc_8785_requires(char, escaped):
    assert canonicalize(char) == f'"{escaped}"'.encode()


@pytest.mark.parametrize(
    "char", ["/", "\x7f", "\u2028", "\u2029", "é", "志", "\U0001f600", "'", "<", "&"]
)
def test_string_keeps_other_characters_literal_in_utf8(char):
    assert canonicalize(char) == f'"{char}"'.encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-7, "-7"),
        (480, "480"),
        (MAX_SAFE_INTEGER, "9007199254740991"),
        (-MAX_SAFE_INTEGER, "-9007199254740991"),
        ("", '""'),
        ([], "[]"),
        ({}, "{}"),
        ([1, [2, [3]], {"b": None, "a": []}], '[1,[2,[3]],{"a":[],"b":null}]'),
        ((1, "二"), '[1,"二"]'),
        (OrderedDict([("z", 1), ("a", 2)]), '{"a":2,"z":1}'),
    ],
)
def test_json_values_serialise_without_whitespace(value, expected):
    assert canonicalize(value) == expected.encode()


def test_nested_object_keys_are_sorted_at_every_level():
    value = {"志愿者": {"minutes": 90, "activity": "社区清洁"}, "approved": True}
    expected = '{"approved":true,"志愿者":{"activity":"社区清洁","minutes":90}}'
    assert canonicalize(value) == expected.encode()


def test_keys_sort_by_utf16_even_where_code_point_order_differs():
    value = {"\U00010000": 1, "\uffff": 2}
    assert canonicalize(value) == '{"\U00010000":1,"\uffff":2}'.encode()


@pytest.mark.parametrize("number", [1e30, 1e-7, 2.0**60, float("nan"), float("inf"), float("-inf")])
def test_floats_without_a_plain_decimal_form_are_refused(number):
    with pytest.raises(CanonicalizationError):
        canonicalize({"hours": number})


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1.5, "1.5"),
        (3.0, "3"),
        (-0.0, "0"),
        (1.67, "1.67"),
        (0.1, "0.1"),
        (333333333.33333329, "333333333.3333333"),  # RFC 8785 appendix, ECMAScript's form
        (4.5e15, "4500000000000000"),
    ],
)
def test_plain_decimal_floats_are_written_as_ecmascript_writes_them(number, text):
    assert canonicalize(number) == text.encode()


@pytest.mark.parametrize("number", [MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30])
def test_integers_beyond_the_i_json_range_are_refused(number):
    with pytest.raises(CanonicalizationError):
        canonicalize([number])


@pytest.mark.parametrize("key", [1, None, True, 2.5, ("a",)])
def test_non_string_keys_are_refused(key):
    with pytest.raises(CanonicalizationError):
        canonicalize({key: "value"})


@pytest.mark.parametrize(
    "value",
    [
        b"bytes",
        {"a", "set"},
        object(),
        decimal.Decimal("1"),
        datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    ],
    ids=["bytes", "set", "object", "decimal", "datetime"],
)
def test_other_types_are_refused(value):
    with pytest.raises(CanonicalizationError):
        canonicalize({"value": value})


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogates_are_refused(text):
    with pytest.raises(CanonicalizationError):
        canonicalize({"name": text})


def test_error_names_where_the_refused_value_is():
    with pytest.raises(CanonicalizationError) as caught:
        canonicalize({"record": {"minutes": [30, 1e-9]}})
    assert caught.value.context["path"] == "$.record.minutes[1]"


def test_nesting_up_to_the_limit_is_accepted():
    value: list[object] = []
    for _ in range(MAX_DEPTH):
        value = [value]
    assert canonicalize(value) == b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)


def test_nesting_beyond_the_limit_is_refused_not_a_recursion_error():
    value: list[object] = []
    for _ in range(5_000):
        value = [value]
    with pytest.raises(CanonicalizationError):
        canonicalize({"deep": value})

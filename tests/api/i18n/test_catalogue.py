"""The one message catalogue: complete for every problem, in step with its sources."""

from __future__ import annotations

import re

import pytest

from api.i18n import SIMPLIFIED_CHINESE, catalogue
from api.i18n.details import DETAILS, TERM, TERMS, translate_detail
from api.i18n.extract import POT_PATH, page_messages, pot_text, problem_titles
from api.problems import PROBLEMS, ApiError

ZH = catalogue(SIMPLIFIED_CHINESE)


def _api_errors(cls: type[ApiError] = ApiError) -> list[type[ApiError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _api_errors(child))]


@pytest.mark.parametrize("problem", PROBLEMS.values(), ids=lambda p: p.slug)
def test_every_problem_title_has_a_chinese_translation(problem):
    assert ZH.has(problem.title), problem.title


@pytest.mark.parametrize("title", problem_titles())
def test_every_title_a_problem_can_carry_has_a_chinese_translation(title):
    assert ZH.has(title), title


@pytest.mark.parametrize("error", _api_errors(), ids=lambda e: e.__name__)
def test_every_default_detail_of_the_apis_errors_has_a_chinese_translation(error):
    assert ZH.has(error.default_detail), error.default_detail


@pytest.mark.parametrize("template", DETAILS)
def test_every_detail_template_is_translated_with_the_same_parameters(template):
    fields = set(re.findall(r"\{(\w+)\}", template))
    assert ZH.has(template)
    assert set(re.findall(r"\{(\w+)\}", ZH.gettext(template))) == fields


@pytest.mark.parametrize("message", page_messages())
def test_every_message_of_the_pages_has_a_chinese_translation(message):
    """The pages are in Chinese first: none may fall back to its English msgid."""
    assert ZH.has(message), message


@pytest.mark.parametrize("term", TERMS)
def test_every_term_is_translated(term):
    assert ZH.has(term, TERM)


def test_the_committed_pot_is_what_the_sources_give():
    """Run ``python -m api.i18n.extract`` after adding a problem, a detail or a term."""
    assert POT_PATH.read_bytes() == pot_text()


def test_a_message_with_no_translation_is_english():
    assert ZH.gettext("A message nobody translated") == "A message nobody translated"
    assert translate_detail("the moon is made of cheese", ZH) == "the moon is made of cheese"


def test_a_detail_is_translated_with_its_parameters():
    detail = translate_detail("capacity cannot go below the 3 confirmed volunteers", ZH)
    assert detail == "名额不能少于已确认的 3 名志愿者"


def test_a_parameter_that_is_a_word_of_the_catalogue_is_translated_too():
    assert translate_detail("shift 42 was not found", ZH) == "未找到班次 42"
    detail = "the volunteer is already waitlisted on this shift; nothing to do"
    assert translate_detail(detail, ZH) == "该志愿者在此班次的状态已是“候补”，无需再操作"


def test_a_parameter_that_is_no_word_of_the_catalogue_is_kept_as_it_is():
    assert translate_detail("the username wang.li is taken", ZH) == "用户名 wang.li 已被占用"


def test_the_catalogue_serves_templates_as_gettext_translations():
    assert ZH.translations().gettext("Not found") == "未找到"

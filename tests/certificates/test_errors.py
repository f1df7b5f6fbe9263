"""The renderer's errors form one tree, and the module docstring draws all of it."""

from __future__ import annotations

import inspect

import pytest

from certificates import errors
from certificates.errors import CertificateRenderError

ERROR_CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, Exception) and cls.__module__ == errors.__name__
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_is_rooted_at_certificate_render_error(cls):
    assert issubclass(cls, CertificateRenderError)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_name_ends_in_error(cls):
    assert cls.__name__.endswith("Error")


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_is_drawn_in_the_module_docstring(cls):
    assert cls.__name__ in (errors.__doc__ or "")


def test_data_errors_are_value_errors():
    assert issubclass(errors.CertificateDataError, ValueError)


def test_errors_carry_their_context():
    error = errors.FontUnavailableError("no font", font_path="/missing.ttc")
    assert (error.message, error.context) == ("no font", {"font_path": "/missing.ttc"})

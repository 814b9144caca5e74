"""An answer left out is named in the error summary ("Enter the title", "Select which episode"), never
Django's "This field is required.", on the new apps' forms."""

from __future__ import annotations

import copy
import inspect
from typing import Any

import pytest
from django import forms

from concordat.commissioning import forms as commissioning_forms
from concordat.core.forms import say_what_is_missing
from concordat.treatment.forms import casework


def _forms() -> list[type[forms.Form]]:
    return [
        cls
        for module in (commissioning_forms, casework)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.Form) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("form_class", _forms(), ids=lambda c: c.__name__)
def test_every_required_answer_names_itself_when_left_out(form_class: type[forms.Form]) -> None:
    form: Any = forms.Form()
    form.fields = copy.deepcopy(form_class.base_fields)
    say_what_is_missing(form)
    for name, field in form.fields.items():
        if field.required:
            message = field.error_messages["required"]
            assert message != "This field is required." and message.startswith(("Enter ", "Select ")), name


def test_the_words_follow_the_label() -> None:
    form: Any = forms.Form()
    form.fields = {
        "title": forms.CharField(label="Title"),
        "episode": forms.ChoiceField(label="Which episode"),
        "la": forms.CharField(label="Local authority of residence (ONS code)"),
        "health": forms.ChoiceField(label="Is it for health care services?"),
        "own": forms.CharField(label="Name", error_messages={"required": "Enter the service's name"}),
    }
    say_what_is_missing(form)
    said = {name: field.error_messages["required"] for name, field in form.fields.items()}
    assert said == {
        "title": "Enter the title",
        "episode": "Select which episode",
        "la": "Enter the local authority of residence",
        "health": "Select whether it is for health care services",
        "own": "Enter the service's name",
    }


@pytest.mark.django_db
def test_a_procurement_form_sent_empty_names_the_title(client: Any, lead: Any, partnership: Any) -> None:
    from django.urls import reverse

    client.force_login(lead)
    response = client.post(reverse("commissioning:add-procurement", args=[partnership.slug]), {})
    html = response.content.decode()
    assert "Enter the title" in html and "This field is required." not in html

"""The client key: one per person across providers, under a secret each partnership gets when created."""

from __future__ import annotations

import pytest

from concordat.treatment.keys import client_key, secret_for
from concordat.treatment.models import ClientKeySecret
from tests.factories import load_partnership

pytestmark = pytest.mark.django_db


def test_a_new_partnership_gets_its_secret_when_created():
    partnership = load_partnership()
    row = ClientKeySecret.objects.get(partnership=partnership)
    assert len(bytes.fromhex(row.secret)) == 32
    assert row.secret not in repr(row) and row.secret not in str(row)


def test_a_partnership_from_before_the_treatment_record_gets_one_on_first_use():
    partnership = load_partnership()
    ClientKeySecret.objects.all().delete()
    first = secret_for(partnership)
    assert secret_for(partnership) == first
    assert ClientKeySecret.objects.count() == 1


def test_the_key_is_the_same_for_the_same_person_and_differs_by_partnership():
    salford = load_partnership()
    other = load_partnership(slug="other-dat")
    a = client_key(secret_for(salford), "AB", "1980-01-02", "M", "E08000006")
    assert a == client_key(secret_for(salford), "AB", "1980-01-02", "M", "E08000006")
    assert a != client_key(secret_for(salford), "AB", "1980-01-02", "F", "E08000006")
    assert a != client_key(secret_for(other), "AB", "1980-01-02", "M", "E08000006")
    assert len(a) == 64

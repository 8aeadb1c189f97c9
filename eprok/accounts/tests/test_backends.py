from django.contrib.auth import get_user
from django.test import RequestFactory

from eprok.accounts.backends import EmployeeBackend


def test_the_session_user_is_loaded_with_their_unit_in_one_query(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        employee = EmployeeBackend().get_user(personas.investigator.pk)
        assert employee is not None
        assert employee.unit == personas.unit


def test_it_refuses_an_inactive_or_missing_employee(personas):
    personas.outsider.is_active = False
    personas.outsider.save(update_fields=["is_active"])

    assert EmployeeBackend().get_user(personas.outsider.pk) is None
    assert EmployeeBackend().get_user(10**9) is None


def test_a_signed_in_session_resolves_to_the_employee(client, signed_in, personas):
    client = signed_in(personas.investigator)
    request = RequestFactory().get("/")
    request.session = client.session

    assert get_user(request) == personas.investigator

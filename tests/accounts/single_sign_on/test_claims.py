"""What the portal takes from a provider's validated ID token claims."""

import pytest

from portal.accounts.single_sign_on.operations import person_from_claims


def test_the_address_and_name_are_read_from_the_claims():
    person = person_from_claims({"sub": "oid-1", "email": " Aisha.Khan@Northshire.gov.uk ",
                                 "name": " Aisha Khan "})
    assert (person.subject, person.email, person.name) == (
        "oid-1", "aisha.khan@northshire.gov.uk", "Aisha Khan")


@pytest.mark.parametrize("email", [
    # Cut at 254 characters this would end "@northshire.gov.uk": an allowed domain.
    "a" * 236 + "@northshire.gov.uk.elsewhere.example",
    ["not", "text"],
    "no-at-sign",
])
def test_an_address_too_long_or_not_an_address_counts_as_none(email):
    assert person_from_claims({"sub": "oid-1", "email": email}).email == ""

"""The directory of the clinical network: who may see and do what on every URL,
what never leaks (contact persons' personal data, unlisted clinics), the filters
and the fuzzy search, the services and their audit trail, the GDPR export and
erasure in the admin, and a fixed number of queries whatever the number of rows.

Personas: anonymous, ``member`` and ``other_member`` (who see what the public
sees), ``expert`` (who also sees the contacts), ``staff_user`` and
``administrator`` (who also manage the directory and see unlisted clinics).
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from experts.directory import services
from experts.directory.filters import ClinicFilter
from experts.directory.permissions import get_clinic_for_user
from experts.models import (
    AgeGroup,
    CareSetting,
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    ClinicType,
    DirectoryChange,
    FeasibilityRequest,
    Introduction,
)
from tests.conftest import PERSONAS
from tests.factories import (
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    DepartmentFactory,
    OrganisationFactory,
)

# Personas are fixtures fetched by name at run time: declare the database use.
pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
USERS = {
    MEMBER: "member",
    OTHER_MEMBER: "other_member",
    EXPERT: "expert",
    STAFF: "staff_user",
    ADMIN: "administrator",
}
POSTGRESQL = connection.vendor == "postgresql"
Action = DirectoryChange.Action

CONTACT_EMAIL = "chiara.verdi@niguarda.example.org"
CONTACT_PHONE = "+39 02 6444 0000"
UNCONSENTED_EMAIL = "paolo.neri@niguarda.example.org"

EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
STAFF_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}
STAFF_302 = STAFF_200 | {STAFF: 302, ADMIN: 302}
UNLISTED = {ANONYMOUS: 404, MEMBER: 404, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 200, ADMIN: 200}
SEES_CONTACTS = {EXPERT, STAFF, ADMIN}
MANAGES = {STAFF, ADMIN}


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def client_and_user(request, persona):
    client = request.getfixturevalue(persona)
    user = request.getfixturevalue(USERS[persona]) if persona in USERS else None
    return client, user


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


def in_english(*users) -> None:
    for user in users:
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])


def names(response) -> list[str]:
    return [clinic.name for clinic in response.context["page"]]


@pytest.fixture(autouse=True)
def _english(settings):
    # Tests match the English wording, whatever the Italian catalogue says:
    # anonymous visitors get the default language, services the active one.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# The personas read the portal in English here (see above).


@pytest.fixture
def member(member):
    in_english(member)
    return member


@pytest.fixture
def other_member(other_member):
    in_english(other_member)
    return other_member


@pytest.fixture
def expert(expert):
    in_english(expert)
    return expert


@pytest.fixture
def staff_user(staff_user):
    in_english(staff_user)
    return staff_user


@pytest.fixture
def administrator(administrator):
    in_english(administrator)
    return administrator


@pytest.fixture
def clinic(db):
    clinic = ClinicFactory(
        name="ASST Grande Ospedale Metropolitano Niguarda",
        clinic_type=ClinicType.PUBLIC_HOSPITAL,
        city="Milano",
        province="MI",
        ethics_committee="Comitato Etico Territoriale Lombardia 3",
        experience_first_in_human=False,
        experience_pilot=True,
        experience_pivotal=True,
        experience_post_market=True,
    )
    cardiology = DepartmentFactory(clinic=clinic, name="Cardiologia")
    ClinicalPopulationFactory(
        clinic=clinic,
        department=cardiology,
        condition="Scompenso cardiaco cronico",
        icd10_code="I50.9",
        age_group=AgeGroup.ELDERLY,
        care_setting=CareSetting.INPATIENT,
        patients_per_year=850,
    )
    ClinicalPopulationFactory(
        clinic=clinic,
        condition="Diabete mellito di tipo 1",
        icd10_code="E10.9",
        age_group=AgeGroup.PAEDIATRIC,
        care_setting=CareSetting.OUTPATIENT,
        includes_minors=True,
    )
    ClinicContactFactory(
        clinic=clinic,
        department=cardiology,
        full_name="Chiara Verdi",
        role="Sperimentatrice principale",
        email=CONTACT_EMAIL,
        phone=CONTACT_PHONE,
    )
    ClinicContactFactory(clinic=clinic, full_name="Paolo Neri", email=UNCONSENTED_EMAIL, consent_given_on=None)
    return clinic


@pytest.fixture
def expired_clinic(db):
    return ClinicFactory(name="Casa di Cura Scaduta", expired=True)


@pytest.fixture
def unconsented_clinic(db):
    return ClinicFactory(name="Centro Senza Consenso", listing_consent_on=None, listing_consent_expires_on=None)


def clinic_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "name": "Fondazione IRCCS Policlinico San Matteo",
        "clinic_type": ClinicType.IRCCS,
        "city": "Pavia",
        "province": "PV",
        "ethics_committee": "Comitato Etico Territoriale Lombardia 6",
        "website": "https://www.sanmatteo.example.org",
        "description": "Ricerca traslazionale e sperimentazioni di fase precoce.",
        "experience_first_in_human": "on",
        "experience_pivotal": "on",
        "listing_consent_on": today.isoformat(),
        "listing_consent_expires_on": (today + timedelta(days=730)).isoformat(),
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def population_data(**changes) -> dict:
    data = {
        "department": "",
        "condition": "Broncopneumopatia cronica ostruttiva",
        "icd10_code": "J44.9",
        "age_group": AgeGroup.ELDERLY,
        "care_setting": CareSetting.HOME,
        "patients_per_year": "300",
        "includes_incapacitated": "on",
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def contact_data(**changes) -> dict:
    data = {
        "department": "",
        "full_name": "Marta Colombo",
        "role": "Clinical Trial Office",
        "email": "marta.colombo@sanmatteo.example.org",
        "phone": "+39 0382 000000",
        "language": "it",
        "consent_given_on": timezone.localdate().isoformat(),
    }
    return data | changes


# Reading: the list


@matrix(EVERYONE_200)
def test_the_directory_is_public_and_lists_listed_clinics(request, persona, expected, clinic, expired_clinic):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("experts:clinics"))

    assert response.status_code == expected
    page = response.content.decode()
    manages = persona in MANAGES
    assert names(response) == ([clinic.name, expired_clinic.name] if manages else [clinic.name]), (
        "staff also see the unlisted clinic"
    )
    assert "Comitato Etico Territoriale Lombardia 3" in page
    assert "Scompenso cardiaco cronico" in page
    assert "Diabete mellito di tipo 1" in page
    assert ("Consent expired: not listed" in page) is manages
    assert (expired_clinic.get_absolute_url() in page) is manages
    assert (reverse("experts:clinic_new") in page) is manages
    assert CONTACT_EMAIL not in page
    assert "Chiara Verdi" not in page


def test_staff_see_why_a_clinic_is_not_listed_and_filter_by_listing(staff_client, clinic, expired_clinic):
    unconsented = ClinicFactory(name="Centro Senza Consenso", listing_consent_on=None, listing_consent_expires_on=None)

    page = staff_client.get(reverse("experts:clinics")).content.decode()
    unlisted = staff_client.get(reverse("experts:clinics"), {"listing": "unlisted"})
    listed = staff_client.get(reverse("experts:clinics"), {"listing": "listed"})

    assert "Consent expired: not listed" in page
    assert "Consent missing: not listed" in page
    assert names(unlisted) == [expired_clinic.name, unconsented.name]
    assert names(listed) == [clinic.name]


def test_others_have_no_listing_filter(anonymous_client, clinic, expired_clinic):
    response = anonymous_client.get(reverse("experts:clinics"), {"listing": "unlisted"})

    assert "listing" not in response.context["filter"].form.fields
    assert names(response) == [clinic.name]


def test_the_directory_is_paginated_by_twenty(anonymous_client):
    for n in range(23):
        ClinicFactory(name=f"Ospedale {n:02d}")

    first = anonymous_client.get(reverse("experts:clinics"))
    second = anonymous_client.get(reverse("experts:clinics"), {"page": 2})

    assert names(first) == [f"Ospedale {n:02d}" for n in range(20)]
    assert names(second) == ["Ospedale 20", "Ospedale 21", "Ospedale 22"]


# Reading: the clinic's page


@matrix(EVERYONE_200)
def test_the_clinic_page_shows_contacts_to_experts_and_staff_only(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)

    response = client.get(clinic.get_absolute_url())

    assert response.status_code == expected
    page = response.content.decode()
    assert "Cardiologia" in page
    assert "Scompenso cardiaco cronico" in page
    assert "Minors · MDR Art. 65" in page, "the flag of minors is explained with its article"
    assert [case.article for case in response.context["special_populations"]] == [65]
    sees = persona in SEES_CONTACTS
    manages = persona in MANAGES
    assert (CONTACT_EMAIL in page) is sees
    assert (CONTACT_PHONE in page) is sees
    assert ("Chiara Verdi" in page) is sees
    # A person who has not consented is shown to staff only, to fix the record.
    assert (UNCONSENTED_EMAIL in page) is manages
    assert (response.context["contacts"] is None) is not sees
    assert (reverse("experts:clinic_edit", args=[clinic.pk]) in page) is manages
    assert (reverse("experts:population_new", args=[clinic.pk]) in page) is manages
    assert (response.context["history"] is None) is not manages


@matrix(UNLISTED)
def test_an_expired_clinic_is_404_but_for_staff(request, persona, expected, expired_clinic):
    client, _user = client_and_user(request, persona)
    ClinicContactFactory(clinic=expired_clinic, email="nascosto@scaduta.example.org")

    response = client.get(expired_clinic.get_absolute_url())

    assert response.status_code == expected
    assert ("nascosto@scaduta.example.org" in response.content.decode()) is (expected == 200)


@matrix(UNLISTED)
def test_a_clinic_without_consent_is_404_but_for_staff(request, persona, expected, unconsented_clinic):
    client, _user = client_and_user(request, persona)

    assert client.get(unconsented_clinic.get_absolute_url()).status_code == expected


def test_a_clinic_expiring_today_is_still_listed(anonymous_client):
    clinic = ClinicFactory(listing_consent_expires_on=timezone.localdate())

    assert anonymous_client.get(clinic.get_absolute_url()).status_code == 200


def test_a_missing_clinic_is_404(staff_client):
    assert staff_client.get(reverse("experts:clinic", args=[999])).status_code == 404
    assert staff_client.get(reverse("experts:clinic_edit", args=[999])).status_code == 404


def test_the_loader_follows_the_listing_rule(clinic, expired_clinic, member, expert, staff_user):
    from django.http import Http404

    for user in (member, expert):
        assert get_clinic_for_user(user, clinic.pk) == clinic
        with pytest.raises(Http404):
            get_clinic_for_user(user, expired_clinic.pk)
    assert get_clinic_for_user(staff_user, expired_clinic.pk) == expired_clinic


def test_an_erased_contact_shows_no_personal_data(staff_client, expert_client, staff_user, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    services.erase_contact(contact, staff=staff_user)

    staff_page = staff_client.get(clinic.get_absolute_url()).content.decode()
    expert_page = expert_client.get(clinic.get_absolute_url()).content.decode()

    assert "Personal data erased on" in staff_page
    assert "Chiara Verdi" not in staff_page
    assert CONTACT_EMAIL not in staff_page
    assert "Personal data erased on" not in expert_page, "experts see reachable contacts only"


def test_only_members_get_the_introduction_call_to_action_context(client_for, member, expert, clinic):
    assert client_for(member).get(clinic.get_absolute_url()).context["may_request_introduction"] is True
    assert client_for(expert).get(clinic.get_absolute_url()).context["may_request_introduction"] is False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["clinics", "clinic"])
def test_read_only_urls_refuse_post(request, persona, name, clinic):
    client, _user = client_and_user(request, persona)
    args = [clinic.pk] if name == "clinic" else []

    assert client.post(reverse(f"experts:{name}", args=args)).status_code == 405


# Filters and search


def test_filter_by_icd10_prefix(anonymous_client, clinic):
    other = ClinicFactory(name="Ospedale di Lecco")
    ClinicalPopulationFactory(clinic=other, condition="Diabete mellito di tipo 2", icd10_code="E11.9")

    e11 = anonymous_client.get(reverse("experts:clinics"), {"icd10": "e11"})
    e1 = anonymous_client.get(reverse("experts:clinics"), {"icd10": "E1"})
    exact = anonymous_client.get(reverse("experts:clinics"), {"icd10": "E10.9"})

    assert names(e11) == [other.name]
    assert [p.condition for p in e11.context["page"][0].matching_populations] == ["Diabete mellito di tipo 2"]
    assert names(e1) == [clinic.name, other.name]
    assert names(exact) == [clinic.name]


def test_a_malformed_icd10_code_is_a_form_error(anonymous_client, clinic):
    response = anonymous_client.get(reverse("experts:clinics"), {"icd10": "11E"})

    assert names(response) == []
    assert response.context["filter"].form.errors["icd10"] == ["Type an ICD-10 code or its beginning: E11, E11.9."]


def test_filter_by_condition_age_group_and_setting_on_one_population(anonymous_client, clinic):
    # Niguarda has paediatric outpatients (diabetes) and elderly inpatients (heart failure).
    mixed = anonymous_client.get(reverse("experts:clinics"), {"age_group": "paediatric", "care_setting": "inpatient"})
    paediatric = anonymous_client.get(reverse("experts:clinics"), {"age_group": "paediatric"})
    by_condition = anonymous_client.get(reverse("experts:clinics"), {"condition": "scompenso"})
    by_setting = anonymous_client.get(reverse("experts:clinics"), {"care_setting": "home"})

    assert names(mixed) == [], "the criteria hold for one and the same population"
    assert names(paediatric) == [clinic.name]
    assert [p.condition for p in paediatric.context["page"][0].matching_populations] == ["Diabete mellito di tipo 1"]
    assert [p.condition for p in by_condition.context["page"][0].matching_populations] == ["Scompenso cardiaco cronico"]
    assert names(by_setting) == []


def test_without_filters_every_population_is_shown(anonymous_client, clinic):
    response = anonymous_client.get(reverse("experts:clinics"))

    assert [p.condition for p in response.context["page"][0].matching_populations] == [
        "Diabete mellito di tipo 1",
        "Scompenso cardiaco cronico",
    ]


def test_filter_by_province_and_type(anonymous_client, clinic):
    pavia = ClinicFactory(name="Fondazione IRCCS Policlinico San Matteo", province="PV", clinic_type=ClinicType.IRCCS)

    assert names(anonymous_client.get(reverse("experts:clinics"), {"province": "PV"})) == [pavia.name]
    assert names(anonymous_client.get(reverse("experts:clinics"), {"clinic_type": "asst"})) == [clinic.name]
    assert names(anonymous_client.get(reverse("experts:clinics"), {"province": "MI", "clinic_type": "irccs"})) == []


def test_filter_by_experience_needs_every_kind_ticked(anonymous_client, clinic):
    pioneer = ClinicFactory(name="Centro Primo Impianto", experience_first_in_human=True, experience_pilot=True)

    pilot = anonymous_client.get(reverse("experts:clinics"), {"experience": ["pilot"]})
    both = anonymous_client.get(reverse("experts:clinics"), {"experience": ["pilot", "pivotal"]})
    fih = anonymous_client.get(reverse("experts:clinics"), {"experience": ["first_in_human"]})
    page = anonymous_client.get(reverse("experts:clinics")).content.decode()

    assert names(pilot) == [clinic.name, pioneer.name]
    assert names(both) == [clinic.name]
    assert names(fih) == [pioneer.name]
    assert 'type="checkbox" name="experience" value="post_market"' in page


def test_filters_and_pages_keep_each_other(anonymous_client):
    for n in range(22):
        ClinicFactory(name=f"Ospedale {n:02d}", province="BG")

    response = anonymous_client.get(reverse("experts:clinics"), {"province": "BG"})

    assert response.context["query"] == "province=BG"
    assert "?province=BG&amp;page=2" in response.content.decode()


@pytest.mark.skipif(POSTGRESQL, reason="SQLite's fallback: substrings, no typing errors tolerated")
def test_search_falls_back_to_substrings_on_sqlite(anonymous_client, clinic):
    ClinicFactory(name="Ospedale San Gerardo")

    by_name = anonymous_client.get(reverse("experts:clinics"), {"q": "niguarda"})
    by_condition = anonymous_client.get(reverse("experts:clinics"), {"q": "scompenso"})
    typo = anonymous_client.get(reverse("experts:clinics"), {"q": "niguada"})

    assert names(by_name) == [clinic.name]
    assert [p.condition for p in by_name.context["page"][0].matching_populations] == [
        "Diabete mellito di tipo 1",
        "Scompenso cardiaco cronico",
    ], "a clinic found by its name shows all its populations"
    assert names(by_condition) == [clinic.name]
    assert [p.condition for p in by_condition.context["page"][0].matching_populations] == ["Scompenso cardiaco cronico"]
    assert names(typo) == []


def test_the_search_help_promises_typo_tolerance_only_where_there_is_some(anonymous_client):
    help_text = str(anonymous_client.get(reverse("experts:clinics")).context["filter"].form["q"].help_text)

    if POSTGRESQL:
        assert "cardiolgia" in help_text
    else:
        assert help_text in {
            "Words of a clinic's name or of a condition.",
            "Parole del nome di un centro o di una patologia.",
        }


fuzzy = pytest.mark.skipif(
    not POSTGRESQL, reason="fuzzy search needs PostgreSQL's pg_trgm; on SQLite the list falls back to substrings"
)


@fuzzy
def test_fuzzy_search_tolerates_typing_errors_in_names(anonymous_client, clinic):
    ClinicFactory(name="Ospedale San Gerardo")

    response = anonymous_client.get(reverse("experts:clinics"), {"q": "Niguada"})

    assert names(response) == [clinic.name]


@fuzzy
def test_fuzzy_search_finds_conditions_and_shows_the_matching_populations(anonymous_client, clinic):
    response = anonymous_client.get(reverse("experts:clinics"), {"q": "scompeso cardiaco"})

    assert names(response) == [clinic.name]
    assert [p.condition for p in response.context["page"][0].matching_populations] == ["Scompenso cardiaco cronico"]


@fuzzy
def test_fuzzy_search_ranks_the_closest_first(anonymous_client):
    close = ClinicFactory(name="Ospedale Zeta")
    ClinicalPopulationFactory(clinic=close, condition="Diabete mellito di tipo 2", icd10_code="E11")
    farther = ClinicFactory(name="Ospedale Alfa")
    ClinicalPopulationFactory(clinic=farther, condition="Diabete mellito di tipo 1", icd10_code="E10")
    unrelated = ClinicFactory(name="Ospedale Beta")
    ClinicalPopulationFactory(clinic=unrelated, condition="Diabete insipido", icd10_code="E23.2")
    ClinicalPopulationFactory(clinic=unrelated, condition="Frattura del femore", icd10_code="S72")

    response = anonymous_client.get(reverse("experts:clinics"), {"q": "diabete tipo 2"})

    assert names(response) == [close.name, farther.name]
    assert response.context["page"][0].relevance > response.context["page"][1].relevance


@fuzzy
def test_fuzzy_search_combines_with_the_population_filters(anonymous_client, clinic):
    by_name = anonymous_client.get(reverse("experts:clinics"), {"q": "niguarda", "age_group": "paediatric"})
    by_name_no_match = anonymous_client.get(reverse("experts:clinics"), {"q": "niguarda", "care_setting": "home"})

    assert [p.condition for p in by_name.context["page"][0].matching_populations] == ["Diabete mellito di tipo 1"]
    assert names(by_name_no_match) == []


@fuzzy
def test_fuzzy_search_uses_the_trigram_indexes(clinic):
    filterset = ClinicFilter({"q": "cardiolgia"}, queryset=Clinic.objects.all(), user=AnonymousUser())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its choice
        plan = filterset.qs.explain()

    assert "experts_clinic_name_trgm" in plan
    assert "experts_population_condition_trgm" in plan


# Staff manage the directory: who may


MANAGEMENT_URLS = [
    ("clinic_new", False),
    ("clinic_edit", False),
    ("clinic_delete", False),
    ("department_new", False),
    ("department_edit", True),
    ("department_delete", True),
    ("population_new", False),
    ("population_edit", True),
    ("population_delete", True),
    ("contact_new", False),
    ("contact_edit", True),
    ("contact_delete", True),
]


def management_url(name: str, clinic: Clinic) -> str:
    if name == "clinic_new":
        return reverse("experts:clinic_new")
    if name.startswith("clinic_"):
        return reverse(f"experts:{name}", args=[clinic.pk])
    kind, verb = name.split("_")
    if verb == "new":
        return reverse(f"experts:{name}", args=[clinic.pk])
    item = {
        "department": clinic.departments.first(),
        "population": clinic.populations.first(),
        "contact": clinic.contacts.first(),
    }[kind]
    return reverse(f"experts:{name}", args=[clinic.pk, item.pk])


@matrix(STAFF_200)
@pytest.mark.parametrize(("name", "_item"), MANAGEMENT_URLS)
def test_only_staff_open_the_management_pages(request, persona, expected, name, _item, clinic):
    client, _user = client_and_user(request, persona)
    url = management_url(name, clinic)

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert response.context["form" if not name.endswith("delete") else "question"]


@matrix(STAFF_302)
def test_only_staff_add_clinics(request, persona, expected):
    client, user = client_and_user(request, persona)
    url = reverse("experts:clinic_new")

    response = client.post(url, clinic_data())

    assert_status(response, expected, url)
    clinics = list(Clinic.objects.all())
    if expected == 302:
        (clinic,) = clinics
        assert response["Location"] == clinic.get_absolute_url()
        assert (clinic.name, clinic.clinic_type, clinic.province) == (
            "Fondazione IRCCS Policlinico San Matteo",
            ClinicType.IRCCS,
            "PV",
        )
        assert clinic.experience == ["first-in-human", "pivotal"]
        assert clinic.is_listed()
        change = DirectoryChange.objects.get()
        assert (change.actor, change.action, change.clinic, change.object_type) == (
            user,
            Action.CREATED,
            clinic,
            "clinic",
        )
        assert change.changes["name"] == [None, "Fondazione IRCCS Policlinico San Matteo"]
    else:
        assert clinics == []
        assert not DirectoryChange.objects.exists()


@matrix(STAFF_302)
def test_only_staff_edit_clinics(request, persona, expected, clinic):
    client, user = client_and_user(request, persona)
    url = reverse("experts:clinic_edit", args=[clinic.pk])
    old_expiry = clinic.listing_consent_expires_on
    new_expiry = old_expiry + timedelta(days=365)

    response = client.post(
        url,
        clinic_data(
            name=clinic.name,
            clinic_type=clinic.clinic_type,
            city="Milano",
            province="MI",
            ethics_committee="Comitato Etico Territoriale Lombardia 3",
            website="",
            description="",
            experience_first_in_human=None,
            experience_pivotal="on",
            experience_pilot="on",
            experience_post_market="on",
            listing_consent_on=clinic.listing_consent_on.isoformat(),
            listing_consent_expires_on=new_expiry.isoformat(),
        ),
    )

    assert_status(response, expected, url)
    clinic.refresh_from_db()
    if expected == 302:
        assert clinic.listing_consent_expires_on == new_expiry
        change = DirectoryChange.objects.get()
        assert (change.actor, change.action, change.object_id) == (user, Action.UPDATED, clinic.pk)
        assert change.changes == {
            "listing_consent_expires_on": [old_expiry.isoformat(), new_expiry.isoformat()],
        }
    else:
        assert clinic.listing_consent_expires_on == old_expiry
        assert not DirectoryChange.objects.exists()


def test_saving_a_clinic_unchanged_records_nothing(staff_client, clinic):
    data = clinic_data(
        name=clinic.name,
        clinic_type=clinic.clinic_type,
        city=clinic.city,
        province=clinic.province,
        ethics_committee=clinic.ethics_committee,
        website="",
        description="",
        experience_first_in_human=None,
        experience_pilot="on",
        experience_pivotal="on",
        experience_post_market="on",
        listing_consent_on=clinic.listing_consent_on.isoformat(),
        listing_consent_expires_on=clinic.listing_consent_expires_on.isoformat(),
    )

    assert staff_client.post(reverse("experts:clinic_edit", args=[clinic.pk]), data).status_code == 302
    assert not DirectoryChange.objects.exists()


@matrix(STAFF_302)
def test_only_staff_delete_clinics(request, persona, expected, clinic):
    client, user = client_and_user(request, persona)
    url = reverse("experts:clinic_delete", args=[clinic.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    assert Clinic.objects.filter(pk=clinic.pk).exists() is (expected != 302)
    if expected == 302:
        assert response["Location"] == reverse("experts:clinics")
        assert not ClinicalPopulation.objects.exists()
        assert not ClinicContact.objects.exists()
        change = DirectoryChange.objects.get()
        assert (change.actor, change.action, change.object_type, change.object_id, change.object_repr) == (
            user,
            Action.DELETED,
            "clinic",
            clinic.pk,
            clinic.name,
        )


@matrix(STAFF_302)
def test_only_staff_add_populations(request, persona, expected, clinic):
    client, user = client_and_user(request, persona)
    url = reverse("experts:population_new", args=[clinic.pk])

    response = client.post(url, population_data(department=clinic.departments.get().pk))

    assert_status(response, expected, url)
    added = ClinicalPopulation.objects.filter(condition="Broncopneumopatia cronica ostruttiva").first()
    if expected == 302:
        assert response["Location"] == clinic.get_absolute_url()
        assert (added.clinic, added.department.name, added.icd10_code, added.patients_per_year) == (
            clinic,
            "Cardiologia",
            "J44.9",
            300,
        )
        assert added.includes_incapacitated and not added.includes_minors
        change = DirectoryChange.objects.get()
        assert (change.actor, change.action, change.clinic, change.object_type) == (
            user,
            Action.CREATED,
            clinic,
            "clinicalpopulation",
        )
        assert change.changes["department"] == [None, "Cardiologia"]
        assert change.changes["includes_incapacitated"] == [None, True]
    else:
        assert added is None


@matrix(STAFF_302)
def test_only_staff_edit_populations(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)
    population = clinic.populations.get(icd10_code="I50.9")
    url = reverse("experts:population_edit", args=[clinic.pk, population.pk])

    response = client.post(
        url,
        population_data(
            department=population.department_id,
            condition=population.condition,
            icd10_code="i50.1",
            age_group=AgeGroup.ELDERLY,
            care_setting=CareSetting.INPATIENT,
            patients_per_year="900",
            includes_incapacitated=None,
        ),
    )

    assert_status(response, expected, url)
    population.refresh_from_db()
    if expected == 302:
        assert (population.icd10_code, population.patients_per_year) == ("I50.1", 900)
        change = DirectoryChange.objects.get()
        assert change.changes == {"icd10_code": ["I50.9", "I50.1"], "patients_per_year": [850, 900]}
    else:
        assert (population.icd10_code, population.patients_per_year) == ("I50.9", 850)


@matrix(STAFF_302)
def test_only_staff_delete_populations(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)
    population = clinic.populations.get(icd10_code="I50.9")
    url = reverse("experts:population_delete", args=[clinic.pk, population.pk])

    assert_status(client.post(url), expected, url)
    assert ClinicalPopulation.objects.filter(pk=population.pk).exists() is (expected != 302)


@matrix(STAFF_302)
def test_only_staff_manage_departments(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:department_new", args=[clinic.pk])

    response = client.post(url, {"name": "Endocrinologia pediatrica"})

    assert_status(response, expected, url)
    assert clinic.departments.filter(name="Endocrinologia pediatrica").exists() is (expected == 302)


@matrix(STAFF_302)
def test_only_staff_add_contacts_and_the_audit_has_no_personal_data(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:contact_new", args=[clinic.pk])

    response = client.post(url, contact_data())

    assert_status(response, expected, url)
    contact = ClinicContact.objects.filter(email="marta.colombo@sanmatteo.example.org").first()
    if expected == 302:
        assert (contact.clinic, contact.full_name, contact.consent_given_on) == (
            clinic,
            "Marta Colombo",
            timezone.localdate(),
        )
        change = DirectoryChange.objects.get()
        assert (change.action, change.object_type, change.object_id) == (Action.CREATED, "cliniccontact", contact.pk)
        assert change.changes == dict.fromkeys(["full_name", "role", "email", "phone", "language", "consent_given_on"])
        audit = json.dumps([change.changes, change.object_repr])
        assert "Marta" not in audit
        assert "Colombo" not in audit
        assert "sanmatteo" not in audit
        assert "0382" not in audit
    else:
        assert contact is None


def test_editing_a_contact_records_which_fields_changed_not_their_values(staff_client, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    url = reverse("experts:contact_edit", args=[clinic.pk, contact.pk])

    response = staff_client.post(
        url,
        contact_data(
            department=contact.department_id,
            full_name="Chiara Verdi",
            role="Sperimentatrice principale",
            email="c.verdi@niguarda.example.org",
            phone="+39 02 1111 2222",
            consent_given_on=contact.consent_given_on.isoformat(),
        ),
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.email == "c.verdi@niguarda.example.org"
    change = DirectoryChange.objects.get()
    assert (change.action, change.changes) == (Action.UPDATED, {"email": None, "phone": None})
    assert change.object_repr == f"#{contact.pk}, {clinic.name}"
    page = staff_client.get(clinic.get_absolute_url()).content.decode()
    assert "Email (changed; personal data not recorded)" in page


@matrix(STAFF_302)
def test_only_staff_delete_contacts(request, persona, expected, clinic):
    client, _user = client_and_user(request, persona)
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    url = reverse("experts:contact_delete", args=[clinic.pk, contact.pk])

    assert_status(client.post(url), expected, url)
    assert ClinicContact.objects.filter(pk=contact.pk).exists() is (expected != 302)


def test_children_of_another_clinic_are_404(staff_client, clinic):
    other = ClinicFactory()
    population = clinic.populations.first()
    contact = clinic.contacts.first()
    department = clinic.departments.first()

    for name, item in (
        ("population_edit", population),
        ("contact_edit", contact),
        ("department_edit", department),
        ("population_delete", population),
    ):
        assert staff_client.get(reverse(f"experts:{name}", args=[other.pk, item.pk])).status_code == 404


def test_an_erased_contact_cannot_be_edited(staff_client, staff_user, clinic):
    contact = services.erase_contact(clinic.contacts.get(email=CONTACT_EMAIL), staff=staff_user)

    assert staff_client.get(reverse("experts:contact_edit", args=[clinic.pk, contact.pk])).status_code == 404
    with pytest.raises(services.DirectoryError, match="erased"):
        services.update_contact(staff=staff_user, contact=contact, full_name="Di nuovo")


# Validation


def test_an_invalid_icd10_code_is_refused_in_the_users_language(staff_client, clinic):
    client = staff_client
    url = reverse("experts:population_new", args=[clinic.pk])

    response = client.post(url, population_data(icd10_code="diabete"))

    assert response.status_code == 200
    assert response.context["form"].errors["icd10_code"] == [
        "An ICD-10 code is a letter, two digits and an optional part: E11.9."
    ]
    assert 'aria-describedby="id_icd10_code_helptext id_icd10_code_error"' in response.content.decode()
    assert not ClinicalPopulation.objects.filter(condition="Broncopneumopatia cronica ostruttiva").exists()
    assert not DirectoryChange.objects.exists()


def test_an_icd10_code_is_normalised(staff_client, clinic):
    url = reverse("experts:population_new", args=[clinic.pk])

    assert staff_client.post(url, population_data(icd10_code=" j44,9 ")).status_code == 302
    assert ClinicalPopulation.objects.get(condition="Broncopneumopatia cronica ostruttiva").icd10_code == "J44.9"


def test_patients_a_year_cannot_be_negative_said_in_italian(staff_client, staff_user, clinic):
    staff_user.preferred_language = "it"
    staff_user.save(update_fields=["preferred_language"])
    url = reverse("experts:population_new", args=[clinic.pk])

    response = staff_client.post(url, population_data(patients_per_year="-5"))

    assert response.context["form"].errors["patients_per_year"] == [
        "Assicurati che questo valore sia maggiore o uguale a 0."
    ]


def test_the_department_must_be_one_of_the_clinics(staff_client, clinic):
    elsewhere = DepartmentFactory(name="Neurologia")
    url = reverse("experts:population_new", args=[clinic.pk])

    response = staff_client.post(url, population_data(department=elsewhere.pk))

    assert response.status_code == 200
    assert "department" in response.context["form"].errors


def test_the_listing_consent_expires_after_it_is_given(staff_client):
    client = staff_client
    today = timezone.localdate()

    backwards = client.post(
        reverse("experts:clinic_new"),
        clinic_data(listing_consent_expires_on=(today - timedelta(days=1)).isoformat()),
    )
    no_expiry = client.post(reverse("experts:clinic_new"), clinic_data(listing_consent_expires_on=""))

    assert backwards.context["form"].errors["listing_consent_expires_on"] == [
        "The listing consent cannot expire before it was given."
    ]
    assert no_expiry.context["form"].errors["listing_consent_expires_on"] == [
        "Give the date the listing consent expires."
    ]
    assert not Clinic.objects.exists()


def test_a_clinic_without_consent_can_be_recorded_unlisted(staff_client):
    response = staff_client.post(
        reverse("experts:clinic_new"), clinic_data(listing_consent_on="", listing_consent_expires_on="")
    )

    assert response.status_code == 302
    assert not Clinic.objects.get().is_listed()


def test_department_names_are_unique_in_a_clinic(staff_client, clinic):
    response = staff_client.post(reverse("experts:department_new", args=[clinic.pk]), {"name": "cardiologia"})

    assert response.context["form"].errors["name"] == ["This clinic has a department with this name already."]


# Services


def test_the_services_refuse_what_the_forms_would(staff_user, expert, clinic):
    with pytest.raises(services.DirectoryError, match=r"Your role does not allow this\."):
        services.create_clinic(staff=expert, name="X")
    with pytest.raises(services.DirectoryError, match="cannot expire before"):
        services.update_clinic(
            staff=staff_user,
            clinic=clinic,
            listing_consent_expires_on=clinic.listing_consent_on - timedelta(days=1),
        )
    with pytest.raises(services.DirectoryError, match="ICD-10"):
        services.add_population(
            staff=staff_user,
            clinic=clinic,
            condition="Asma",
            icd10_code="asma",
            age_group=AgeGroup.ADULT,
            care_setting=CareSetting.OUTPATIENT,
        )
    with pytest.raises(services.DirectoryError, match="this clinic's departments"):
        services.add_population(
            staff=staff_user,
            clinic=clinic,
            department=DepartmentFactory(),
            condition="Asma",
            icd10_code="J45",
            age_group=AgeGroup.ADULT,
            care_setting=CareSetting.OUTPATIENT,
        )
    with pytest.raises(services.DirectoryError, match="department with this name"):
        services.add_department(staff=staff_user, clinic=clinic, name="CARDIOLOGIA")
    with pytest.raises(TypeError):
        services.update_clinic(staff=staff_user, clinic=clinic, created_at=timezone.now())
    assert not DirectoryChange.objects.exists()


def test_the_history_keeps_deleted_populations(staff_client, staff_user, clinic):
    population = clinic.populations.get(icd10_code="I50.9")
    department = clinic.departments.get()
    services.update_department(staff=staff_user, department=department, name="Cardiologia e UTIC")
    services.delete_population(staff=staff_user, population=population)

    response = staff_client.get(clinic.get_absolute_url())

    entries = [(c.object_type, c.action) for c in response.context["history"]]
    assert entries == [("clinicalpopulation", Action.DELETED), ("department", Action.UPDATED)]
    page = response.content.decode()
    assert "Cardiologia → Cardiologia e UTIC" in page
    assert "Luca Rossi" in page


def test_the_history_is_paginated(staff_client, staff_user, clinic):
    for n in range(25):
        services.update_clinic(staff=staff_user, clinic=clinic, city=f"Milano {n}")

    first = staff_client.get(clinic.get_absolute_url())
    second = staff_client.get(clinic.get_absolute_url(), {"history_page": 2})

    assert len(first.context["history"]) == 20
    assert len(second.context["history"]) == 5
    assert "?history_page=2" in first.content.decode()


def _feasibility_request(contact: ClinicContact, **fields) -> FeasibilityRequest:
    introduction = Introduction.objects.create(
        organisation=OrganisationFactory(), device="Pompa per insulina", investigation="Studio pilota"
    )
    introduction.clinics.add(contact.clinic)
    return FeasibilityRequest.objects.create(
        introduction=introduction,
        clinic=contact.clinic,
        contact=contact,
        token_hash=f"{contact.pk:064d}",
        expires_at=timezone.now() + timedelta(days=5),
        **fields,
    )


def test_records_that_introductions_refer_to_are_not_deleted(staff_client, staff_user, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    _feasibility_request(contact)
    url = reverse("experts:contact_delete", args=[clinic.pk, contact.pk])

    response = staff_client.post(url)

    assert response.status_code == 400
    assert "An administrator can erase their personal data instead." in response.content.decode()
    assert ClinicContact.objects.filter(pk=contact.pk).exists()
    with pytest.raises(services.DirectoryError, match="Let its listing consent lapse instead"):
        services.delete_clinic(staff=staff_user, clinic=clinic)
    assert Clinic.objects.filter(pk=clinic.pk).exists()
    assert not DirectoryChange.objects.exists()


def test_export_contact_data(staff_user, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    answered = timezone.now()
    _feasibility_request(contact, answer="interested", comment="Possiamo arruolare 40 pazienti.", answered_at=answered)
    services.update_contact(staff=staff_user, contact=contact, phone="+39 02 9999 0000")

    data = services.export_contact_data(contact, staff=staff_user)

    assert data["contact"] | {"created_at": None} == {
        "id": contact.pk,
        "clinic": clinic.name,
        "department": "Cardiologia",
        "full_name": "Chiara Verdi",
        "role": "Sperimentatrice principale",
        "email": CONTACT_EMAIL,
        "phone": "+39 02 9999 0000",
        "language": "it",
        "consent_given_on": contact.consent_given_on.isoformat(),
        "created_at": None,
        "erased_at": None,
    }
    (request,) = data["feasibility_requests"]
    assert (request["answer"], request["comment"], request["answered_at"]) == (
        "interested",
        "Possiamo arruolare 40 pazienti.",
        answered.isoformat(),
    )
    assert request["sent_at"] and request["expires_at"]
    assert data["history"] == [{"action": "updated", "at": data["history"][0]["at"], "fields": ["phone"]}]
    json.dumps(data)  # serialisable as it is
    exported = DirectoryChange.objects.get(action=Action.EXPORTED)
    assert (exported.actor, exported.object_id, exported.changes) == (staff_user, contact.pk, {})


def test_erase_contact_keeps_the_row_and_blanks_the_personal_data(staff_user, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    _feasibility_request(contact)

    services.erase_contact(contact, staff=staff_user)

    contact.refresh_from_db()
    assert (contact.full_name, contact.role, contact.email, contact.phone) == ("", "", "", "")
    assert contact.erased_at is not None
    assert contact.feasibility_requests.count() == 1, "the introductions stay counted"
    assert str(contact) == "erased contact"
    assert not ClinicContact.objects.reachable().filter(pk=contact.pk).exists()
    erased = DirectoryChange.objects.get(action=Action.ERASED)
    assert erased.changes == dict.fromkeys(["full_name", "role", "email", "phone"])
    assert "Chiara" not in json.dumps([erased.changes, erased.object_repr])
    with pytest.raises(services.DirectoryError, match="erased already"):
        services.erase_contact(contact, staff=staff_user)


def test_only_staff_export_or_erase(expert, clinic):
    contact = clinic.contacts.first()
    with pytest.raises(services.DirectoryError):
        services.export_contact_data(contact, staff=expert)
    with pytest.raises(services.DirectoryError):
        services.erase_contact(contact, staff=expert)


# The admin


def test_the_admin_shows_the_directory(admin_client, administrator, clinic):
    contact = clinic.contacts.first()
    services.update_contact(staff=administrator, contact=contact, phone="+39 02 0000 1111")
    change = DirectoryChange.objects.get()

    for model, item in (("clinic", clinic), ("cliniccontact", contact), ("directorychange", change)):
        assert admin_client.get(reverse(f"admin:experts_{model}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:experts_{model}_change", args=[item.pk])).status_code == 200
    # The audit trail is read only.
    assert admin_client.get(reverse("admin:experts_directorychange_add")).status_code == 403
    assert admin_client.post(reverse("admin:experts_directorychange_delete", args=[change.pk])).status_code == 403


@pytest.mark.parametrize("persona", [ANONYMOUS, MEMBER, EXPERT, STAFF])
def test_the_admin_is_for_administrators_only(request, persona, clinic):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("admin:experts_cliniccontact_changelist"))

    assert response.status_code == 302
    assert CONTACT_EMAIL not in response.content.decode()


def test_the_admin_exports_personal_data_as_json(admin_client, administrator, clinic):
    contacts = list(clinic.contacts.order_by("pk"))
    _feasibility_request(contacts[0], answer="not_interested", comment="Nessun posto", answered_at=timezone.now())

    response = admin_client.post(
        reverse("admin:experts_cliniccontact_changelist"),
        {"action": "export_personal_data", "_selected_action": [contact.pk for contact in contacts]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contact-personal-data-')
    exported = json.loads(response.content)["contacts"]
    assert sorted(item["contact"]["email"] for item in exported) == [CONTACT_EMAIL, UNCONSENTED_EMAIL]
    verdi = next(item for item in exported if item["contact"]["email"] == CONTACT_EMAIL)
    assert [(r["answer"], r["comment"]) for r in verdi["feasibility_requests"]] == [("not_interested", "Nessun posto")]
    assert list(DirectoryChange.objects.filter(action=Action.EXPORTED).values_list("actor", flat=True)) == [
        administrator.pk,
        administrator.pk,
    ]


def test_the_admin_erases_personal_data(admin_client, administrator, clinic):
    contact = clinic.contacts.get(email=CONTACT_EMAIL)
    url = reverse("admin:experts_cliniccontact_changelist")

    first = admin_client.post(url, {"action": "erase_personal_data", "_selected_action": [contact.pk]}, follow=True)
    again = admin_client.post(url, {"action": "erase_personal_data", "_selected_action": [contact.pk]}, follow=True)

    contact.refresh_from_db()
    assert (contact.full_name, contact.email, contact.phone, contact.role) == ("", "", "", "")
    assert contact.erased_at is not None
    assert [str(m) for m in first.context["messages"]] == ["The personal data of 1 contact person have been erased."]
    assert [str(m) for m in again.context["messages"]] == ["1 contact person had been erased already."]
    assert DirectoryChange.objects.filter(action=Action.ERASED, actor=administrator).count() == 1


def test_the_admins_changes_are_audited(admin_client, administrator, clinic):
    department = clinic.departments.get()
    population = clinic.populations.get(icd10_code="E10.9")
    others = clinic.populations.exclude(pk=population.pk)
    data = {
        **clinic_data(
            name=clinic.name,
            clinic_type=clinic.clinic_type,
            city="Milano",
            province="MI",
            ethics_committee="Comitato Etico Territoriale Lombardia 3",
            website="",
            description="Ospedale universitario",
            experience_first_in_human=None,
            experience_pilot="on",
            experience_pivotal="on",
            experience_post_market="on",
            listing_consent_on=clinic.listing_consent_on.isoformat(),
            listing_consent_expires_on=clinic.listing_consent_expires_on.isoformat(),
        ),
        "departments-TOTAL_FORMS": "1",
        "departments-INITIAL_FORMS": "1",
        "departments-0-id": department.pk,
        "departments-0-clinic": clinic.pk,
        "departments-0-name": "Cardiologia",
        "populations-TOTAL_FORMS": str(clinic.populations.count()),
        "populations-INITIAL_FORMS": str(clinic.populations.count()),
    }
    for n, item in enumerate([population, *others]):
        prefix = f"populations-{n}-"
        data |= {
            f"{prefix}id": item.pk,
            f"{prefix}clinic": clinic.pk,
            f"{prefix}department": item.department_id or "",
            f"{prefix}condition": item.condition,
            f"{prefix}icd10_code": item.icd10_code,
            f"{prefix}age_group": item.age_group,
            f"{prefix}care_setting": item.care_setting,
            f"{prefix}patients_per_year": item.patients_per_year or "",
        }
        for flag in ("includes_minors", "includes_incapacitated", "includes_pregnancy", "emergency_setting"):
            if getattr(item, flag):
                data[f"{prefix}{flag}"] = "on"
    data["populations-0-DELETE"] = "on"

    response = admin_client.post(reverse("admin:experts_clinic_change", args=[clinic.pk]), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert not ClinicalPopulation.objects.filter(pk=population.pk).exists()
    entries = {(c.object_type, c.action): c.changes for c in DirectoryChange.objects.filter(actor=administrator)}
    assert entries == {
        ("clinic", Action.UPDATED): {"description": ["", "Ospedale universitario"]},
        ("clinicalpopulation", Action.DELETED): {},
    }


# A fixed number of queries whatever the number of rows

ANONYMOUS_BUDGET = 5
SIGNED_IN_BUDGET = 9


def _network(rows: int) -> list[Clinic]:
    clinics = []
    for n in range(rows):
        clinic = ClinicFactory(name=f"Ospedale {n:02d}", experience_pivotal=bool(n % 2))
        department = DepartmentFactory(clinic=clinic, name="Endocrinologia")
        for code, age in (("E11.9", AgeGroup.ADULT), ("E10.9", AgeGroup.PAEDIATRIC), ("I50.9", AgeGroup.ELDERLY)):
            ClinicalPopulationFactory(clinic=clinic, department=department, icd10_code=code, age_group=age)
        ClinicContactFactory(clinic=clinic, department=department)
        clinics.append(clinic)
    return clinics


@pytest.mark.parametrize("rows", [1, 30])
def test_directory_queries(anonymous_client, staff_client, django_assert_max_num_queries, rows):
    _network(rows)
    ClinicFactory(expired=True)
    filtered = {
        "q": "diabete",
        "icd10": "E1",
        "age_group": "adult",
        "care_setting": "outpatient",
        "province": "MI",
        "clinic_type": "asst",
        "experience": ["pilot"],
        "condition": "mellito",
    }

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        response = anonymous_client.get(reverse("experts:clinics"))
    assert len(response.context["page"]) == min(rows, 20)
    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        response = anonymous_client.get(reverse("experts:clinics"), filtered)
    assert len(response.context["page"]) == min(rows, 20)
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        response = staff_client.get(reverse("experts:clinics"), {**filtered, "listing": "listed"})
    assert len(response.context["page"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_clinic_page_queries(anonymous_client, client_for, expert, staff_user, django_assert_max_num_queries, rows):
    clinic = ClinicFactory()
    for n in range(rows):
        department = DepartmentFactory(clinic=clinic, name=f"Reparto {n:02d}")
        ClinicalPopulationFactory(clinic=clinic, department=department, includes_minors=bool(n % 2))
        ClinicalPopulationFactory(clinic=clinic)
        ClinicContactFactory(clinic=clinic, department=department)
        services.update_department(staff=staff_user, department=department, name=f"Reparto {n:02d} bis")

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(clinic.get_absolute_url()).status_code == 200
    for user in (expert, staff_user):
        client = client_for(user)
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            response = client.get(clinic.get_absolute_url())
        assert response.context["population_count"] == 2 * rows
        assert len(response.context["contacts"]) == rows

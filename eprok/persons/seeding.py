"""Demo persons and companies for `eprok seed`, registered through the services like any other record.

The people are fictitious: Azerbaijani names from Faker's az_AZ provider, FINs drawn from the same
collision-free generator as the demo staff (in a range of their own), ID cards "AA" + 7 digits,
mobile numbers of the real operators' prefixes, registered addresses in the districts of Baku.
Companies carry VÖENs with a correct check digit.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from eprok.org.seeding import demo_fin
from eprok.persons.models import AddressKind, DocumentKind, Person, PersonKind, Sex
from eprok.persons.services import person_add_address, person_add_document, person_add_phone, person_create

# Demo persons' FINs are demo_fin(PERSON_FIN_BASE + i): far from the staff's range (1.. and 900,000..).
PERSON_FIN_BASE = 500_000
MOBILE_PREFIXES = ("50", "51", "55", "70", "77", "99", "10")
BAKU_DISTRICTS = (
    (
        "Xətai rayonu",
        "AZ1025",
        ("Xətai prospekti", "Babək prospekti", "Nobel prospekti", "Məmməd Hadi küçəsi"),
    ),
    ("Nəsimi rayonu", "AZ1010", ("Füzuli küçəsi", "Səməd Vurğun küçəsi", "Azadlıq prospekti")),
    ("Yasamal rayonu", "AZ1073", ("Şərifzadə küçəsi", "Hüseyn Cavid prospekti", "Məhəmməd Hadi küçəsi")),
    ("Nərimanov rayonu", "AZ1052", ("Təbriz küçəsi", "Atatürk prospekti", "Ağa Nemətulla küçəsi")),
    ("Sabunçu rayonu", "AZ1040", ("Bakıxanov qəsəbəsi, Gənclik küçəsi", "Sabunçu qəsəbəsi, Mərkəzi küçə")),
    ("Binəqədi rayonu", "AZ1110", ("M. Müşfiq küçəsi", "Binəqədi şosesi")),
)
COMPANY_NAMES = (
    '"Xəzər Tikinti" MMC',
    '"Abşeron Logistika" MMC',
    '"Gəncə Aqro" ASC',
    '"Şirvan Enerji" MMC',
    '"Qafqaz Ticarət" MMC',
    '"Naxçıvan Servis" MMC',
    '"Lənkəran Balıq" ASC',
    '"Sumqayıt Kimya Təchizat" MMC',
)
VOEN_WEIGHTS = (4, 1, 8, 6, 2, 7, 5, 3)


def demo_voen(rng: random.Random, *, legal: bool = True) -> str:
    """A VÖEN with a valid check digit (the 9th) and the status digit 1 (legal) or 2 (natural person)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        check = sum(w * d for w, d in zip(VOEN_WEIGHTS, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check) + ("1" if legal else "2")


def _birth_date(rng: random.Random) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))


def seed_people(*, count: int, rng: random.Random, faker: Any) -> list[Person]:
    """`count` natural persons with an ID card, a mobile and a registered address (idempotent by FIN)."""
    people = []
    existing = {p.fin: p for p in Person.objects.filter(fin__isnull=False)}
    for index in range(count):
        # Draw every value even for existing rows, so re-seeding gives the same people.
        female = rng.random() < 0.4
        first = faker.first_name_female() if female else faker.first_name_male()
        last = faker.last_name_female() if female else faker.last_name_male()
        father = faker.first_name_male()
        birth = _birth_date(rng)
        district, postal, streets = rng.choice(BAKU_DISTRICTS)
        address = f"{rng.choice(streets)}, ev {rng.randint(1, 180)}, mənzil {rng.randint(1, 90)}"
        phone = f"+994{rng.choice(MOBILE_PREFIXES)}{rng.randint(2_000_000, 9_999_999)}"
        card = f"{rng.randint(1_000_000, 9_999_999)}"
        fin = demo_fin(PERSON_FIN_BASE + index)
        if fin in existing:
            people.append(existing[fin])
            continue
        person = person_create(
            actor=None,
            kind=PersonKind.NATURAL,
            fin=fin,
            last_name=last,
            first_name=first,
            patronymic=f"{father} {'qızı' if female else 'oğlu'}",
            birth_date=birth,
            sex=Sex.FEMALE if female else Sex.MALE,
            citizenship="AZ",
        )
        person_add_document(
            actor=None,
            person=person,
            kind=DocumentKind.ID_CARD,
            series="AA",
            number=card,
            issuing_country="AZ",
            issued_by="Daxili İşlər Nazirliyi",
            issued_on=dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
        )
        person_add_address(
            actor=None,
            person=person,
            kind=AddressKind.REGISTRATION,
            district=f"Bakı şəhəri, {district}",
            text=address,
            postal_code=postal,
        )
        person_add_phone(actor=None, person=person, number=phone)
        people.append(person)
    return people


def seed_companies(*, rng: random.Random) -> list[Person]:
    """The demo's legal entities (idempotent by name)."""
    companies = []
    for name in COMPANY_NAMES:
        voen = demo_voen(rng)
        existing = Person.objects.filter(kind=PersonKind.LEGAL, legal_name=name).first()
        if existing is not None:
            companies.append(existing)
            continue
        company = person_create(
            actor=None,
            kind=PersonKind.LEGAL,
            voen=voen,
            legal_name=name,
            registration_date=dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 5000)),
        )
        district, postal, streets = rng.choice(BAKU_DISTRICTS)
        person_add_address(
            actor=None,
            person=company,
            kind=AddressKind.LEGAL,
            district=f"Bakı şəhəri, {district}",
            text=f"{rng.choice(streets)}, {rng.randint(1, 120)}",
            postal_code=postal,
        )
        companies.append(company)
    return companies

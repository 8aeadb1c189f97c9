"""The state registers' dataset for the simulators (`simulators/xroad.py --data`), built from eprok's persons.

Every natural person with a FIN becomes a population record (as eprok knows them: names, birth date, sex,
citizenship, the registered address), every legal entity with a VÖEN a taxpayer, so the demo's look-ups
find the people of its materials and cases. What eprok does not know is made up deterministically from a
hash of the FIN or VÖEN: a spouse for some adults, vehicles, flats, convictions (about 1 in 6), a wanted
flag (about 1 in 30), border crossings over the two years before `today`. Employees are not in it (their
FINs are left out even if a person record carries one). The same database and `today` give the same file.

    manage.py registers_dataset var/registers.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVXYZ"
PLATE_REGIONS = ("10", "90", "99", "77", "01", "20", "50", "85")
BAKU_DISTRICTS = (
    ("Bakı şəhəri, Xətai rayonu", ("Babək prospekti", "Nobel prospekti", "Məmməd Hadi küçəsi")),
    ("Bakı şəhəri, Nəsimi rayonu", ("Füzuli küçəsi", "Səməd Vurğun küçəsi", "Azadlıq prospekti")),
    ("Bakı şəhəri, Yasamal rayonu", ("Şərifzadə küçəsi", "Hüseyn Cavid prospekti")),
    ("Bakı şəhəri, Nərimanov rayonu", ("Təbriz küçəsi", "Atatürk prospekti")),
    ("Bakı şəhəri, Binəqədi rayonu", ("M. Müşfiq küçəsi", "Binəqədi şosesi")),
    ("Sumqayıt şəhəri", ("Sülh küçəsi", "Heydər Əliyev prospekti")),
    ("Gəncə şəhəri, Kəpəz rayonu", ("Atatürk prospekti", "Nizami küçəsi")),
)
CARS = (
    ("Toyota", ("Camry", "Corolla", "Land Cruiser Prado"), "JTD"),
    ("Hyundai", ("Elantra", "Accent", "Tucson"), "KMH"),
    ("Kia", ("Rio", "Sportage", "Optima"), "KNA"),
    ("Mercedes-Benz", ("E 200", "C 180"), "WDD"),
    ("LADA", ("Priora", "Niva", "Granta"), "XTA"),
    ("Chevrolet", ("Cobalt", "Captiva"), "XWB"),
    ("Khazar", ("LX",), "NLH"),
)
COLOURS = ("ağ", "qara", "gümüşü", "boz", "göy", "qırmızı", "yaşıl")
CHECKPOINTS = (
    "Heydər Əliyev Beynəlxalq Aeroportu",
    "Qırmızı Körpü",
    "Astara",
    "Samur",
    "Bakı Beynəlxalq Dəniz Ticarət Limanı",
)
COURTS = (
    "Bakı şəhəri Xətai Rayon Məhkəməsi",
    "Bakı şəhəri Nəsimi Rayon Məhkəməsi",
    "Bakı şəhəri Yasamal Rayon Məhkəməsi",
    "Sumqayıt Şəhər Məhkəməsi",
    "Bakı Ağır Cinayətlər Məhkəməsi",
)
CONVICTIONS = (
    (["177.2.1"], "2 il azadlıqdan məhrumetmə, şərti"),
    (["178.2.4"], "3 il azadlıqdan məhrumetmə"),
    (["234.1"], "1 il islah işləri"),
    (["221.1"], "1500 manat cərimə"),
    (["127.1"], "2000 manat cərimə"),
    (["206.1", "320.1"], "4 il azadlıqdan məhrumetmə"),
    (["263.1"], "6 ay azadlığın məhdudlaşdırılması"),
)
WANTED_BY = (
    "Bakı Şəhər Baş Polis İdarəsi",
    "Daxili İşlər Nazirliyinin Baş Cinayət Axtarışı İdarəsi",
    "Sumqayıt Şəhər Polis İdarəsi",
)
MALE_NAMES = ("Elçin", "Rəşad", "Tural", "Kamran", "Vüqar", "Orxan", "Nicat", "Səbuhi", "Anar", "Ramil")
FEMALE_NAMES = ("Aygün", "Günel", "Nərgiz", "Leyla", "Sevinc", "Könül", "Aysel", "Lalə", "Türkan", "Nigar")
LEGAL_FORMS = {
    "MMC": "Məhdud Məsuliyyətli Cəmiyyət",
    "ASC": "Açıq Səhmdar Cəmiyyəti",
    "QSC": "Qapalı Səhmdar Cəmiyyəti",
    "İB": "İctimai Birlik",
}


def _rng(*parts: str) -> random.Random:
    """A random generator seeded by a hash of the parts (stable across runs and machines)."""
    digest = hashlib.sha256(":".join(("eprok-registers", *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _fin_from(rng: random.Random, taken: set[str]) -> str:
    while True:
        fin = "".join(rng.choice(FIN_ALPHABET) for _ in range(7))
        if fin not in taken:
            taken.add(fin)
            return fin


def _stem(last_name: str) -> str:
    """The family name without the feminine -a (Məmmədova → məmmədov)."""
    name = last_name.strip().lower()
    return name[:-1] if name.endswith(("ova", "eva", "yeva")) else name


def _surname(last_name: str, female: bool) -> str:
    """The family name in the given gender (Məmmədov ↔ Məmmədova; Əlioğlu stays)."""
    name = last_name.strip()
    if female and name.endswith(("ov", "ev", "in")):
        return name + "a"
    if not female and name.endswith(("ova", "eva", "ina")):
        return name[:-1]
    return name


def _full_name(last: str, first: str, patronymic: str) -> str:
    return " ".join(part for part in (last, first, patronymic) if part)


def _address(rng: random.Random) -> dict[str, str]:
    district, streets = rng.choice(BAKU_DISTRICTS)
    return {
        "district": district,
        "text": f"{rng.choice(streets)}, ev {rng.randint(1, 180)}, mənzil {rng.randint(1, 90)}",
    }


def _plate(rng: random.Random, taken: set[str]) -> str:
    while True:
        letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(2))
        plate = f"{rng.choice(PLATE_REGIONS)}-{letters}-{rng.randint(100, 999)}"
        if plate not in taken:
            taken.add(plate)
            return plate


def _vehicle(
    rng: random.Random, owner: dict[str, str], since: dt.date, today: dt.date, plates: set[str]
) -> dict[str, Any]:
    make, models, wmi = rng.choice(CARS)
    year = rng.randint(2006, 2024)
    registered = max(since, dt.date(year, 1, 1)) + dt.timedelta(days=rng.randint(0, 700))
    return {
        "plate": _plate(rng, plates),
        "vin": wmi + "".join(rng.choice(VIN_ALPHABET) for _ in range(14)),
        "make": make,
        "model": rng.choice(models),
        "year": year,
        "colour": rng.choice(COLOURS),
        "owner": owner,
        "registered_on": min(registered, today).isoformat(),
    }


def _property(rng: random.Random, owner: str, kind: str, since: dt.date) -> dict[str, Any]:
    address = _address(rng)
    area = {"flat": (38, 160), "house": (80, 320), "land": (300, 2400), "commercial": (40, 900)}[kind]
    return {
        "registry_number": f"{rng.randint(100, 999)}-{rng.randint(1_000_000, 9_999_999)}",
        "kind": kind,
        "address": f"{address['district']}, {address['text']}",
        "area_m2": round(rng.uniform(*area), 1),
        "share": rng.choice(("1/1", "1/1", "1/1", "1/2", "1/3")),
        "acquired_on": (since + dt.timedelta(days=rng.randint(0, 6000))).isoformat(),
        "owner": owner,
    }


def _crossings(rng: random.Random, document: str, today: dt.date) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for _trip in range(rng.randint(1, 4)):
        leave = today - dt.timedelta(days=rng.randint(5, 725))
        back = leave + dt.timedelta(days=rng.randint(2, 21))
        checkpoint = rng.choice(CHECKPOINTS)
        for day, direction in ((leave, "out"), (back, "in")):
            if day > today:
                continue
            at = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
            stamp = at.replace(tzinfo=dt.timezone(dt.timedelta(hours=4))).isoformat()
            items.append(
                {"at": stamp, "direction": direction, "checkpoint": checkpoint, "document": document}
            )
    return sorted(items, key=lambda item: item["at"])


def build_dataset(today: dt.date | None = None) -> dict[str, Any]:
    """The registers' dataset (see the module's docstring) from the persons in the database."""
    from django.contrib.auth import get_user_model

    from eprok.persons.models import AddressKind, DocumentKind, Person, PersonKind

    today = today or dt.date.today()
    employee_fins = set(
        get_user_model().objects.exclude(fin__isnull=True).exclude(fin="").values_list("fin", flat=True)
    )
    naturals = list(
        Person.objects.filter(kind=PersonKind.NATURAL, fin__isnull=False, merged_into__isnull=True)
        .exclude(fin="")
        .exclude(fin__in=employee_fins)
        .prefetch_related("addresses", "documents")
        .order_by("fin")
    )
    legals = list(
        Person.objects.filter(voen__isnull=False, merged_into__isnull=True)
        .exclude(voen="")
        .exclude(kind=PersonKind.NATURAL, fin__in=employee_fins)
        .prefetch_related("addresses")
        .order_by("voen")
    )
    taken: set[str] = {str(fin) for fin in employee_fins} | {str(p.fin) for p in naturals}
    persons: dict[str, dict[str, Any]] = {}
    records: dict[str, dict[str, Any]] = {}
    crossings: dict[str, list[dict[str, Any]]] = {}
    vehicles: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    plates: set[str] = set()
    address_rank: dict[str, int] = {AddressKind.REGISTRATION.value: 0, AddressKind.RESIDENCE.value: 1}

    for person in naturals:
        fin = str(person.fin)
        rng = _rng("person", fin)
        addresses = sorted(person.addresses.all(), key=lambda a: (address_rank.get(a.kind, 9), a.pk))
        address = (
            {"district": addresses[0].district, "text": addresses[0].text} if addresses else _address(rng)
        )
        sex = person.sex or ("female" if person.patronymic.endswith("qızı") else "male")
        persons[fin] = {
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "sex": sex,
            "citizenship": person.citizenship or "AZ",
            "address": address,
            "photo_ref": f"iamas/{hashlib.sha256(fin.encode()).hexdigest()[:20]}",
            "family": [],
        }
        name = _full_name(person.last_name, person.first_name, person.patronymic)
        since = person.birth_date + dt.timedelta(days=18 * 365) if person.birth_date else dt.date(2000, 1, 1)
        adult = person.birth_date is None or person.birth_date <= today - dt.timedelta(days=18 * 366)
        # Vehicles (about 1 in 3 adults) and real estate (about 1 in 3).
        if adult and rng.random() < 0.34:
            vehicles.extend(
                _vehicle(rng, {"id": fin, "name": name}, since, today, plates)
                for _ in range(1 + (rng.random() < 0.2))
            )
        if adult and rng.random() < 0.34:
            properties.append(_property(rng, fin, rng.choice(("flat", "flat", "house", "land")), since))
        # Criminal records (about 1 in 6) and wanted (about 1 in 30).
        convictions = []
        if adult and rng.random() < 1 / 6:
            articles, sentence = rng.choice(CONVICTIONS)
            decided = min(today, since + dt.timedelta(days=rng.randint(200, 6000)))
            convictions.append(
                {
                    "court": rng.choice(COURTS),
                    "decided_on": decided.isoformat(),
                    "articles": list(articles),
                    "sentence": sentence,
                }
            )
        wanted = rng.random() < 1 / 30
        records[fin] = {
            "convictions": convictions,
            "wanted": wanted,
            "wanted_by": rng.choice(WANTED_BY) if wanted else None,
            "wanted_since": (today - dt.timedelta(days=rng.randint(10, 400))).isoformat() if wanted else None,
        }
        # Border crossings over the last two years (about 1 in 2), with the ID document known to eprok.
        if rng.random() < 0.5:
            documents = [
                d for d in person.documents.all() if d.kind in (DocumentKind.PASSPORT, DocumentKind.ID_CARD)
            ]
            document = (
                f"{documents[0].series}{documents[0].number}"
                if documents
                else f"C{rng.randint(10_000_000, 99_999_999)}"
            )
            crossings[fin] = _crossings(rng, document, today)

    # Relatives among eprok's persons: a father whose first name is the child's patronymic, siblings.
    by_stem: dict[str, list[Any]] = {}
    for person in naturals:
        if person.last_name:
            by_stem.setdefault(_stem(person.last_name), []).append(person)

    def link(a: Any, b: Any, relation_of_b: str, relation_of_a: str) -> None:
        persons[a.fin]["family"].append(
            {
                "fin": b.fin,
                "relation": relation_of_b,
                "name": _full_name(b.last_name, b.first_name, b.patronymic),
            }
        )
        persons[b.fin]["family"].append(
            {
                "fin": a.fin,
                "relation": relation_of_a,
                "name": _full_name(a.last_name, a.first_name, a.patronymic),
            }
        )

    for group in by_stem.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                father_a = a.patronymic.rsplit(" ", 1)[0] if a.patronymic else ""
                father_b = b.patronymic.rsplit(" ", 1)[0] if b.patronymic else ""
                if not (a.birth_date and b.birth_date):
                    continue
                gap = abs((a.birth_date - b.birth_date).days) / 365.25
                if father_a and father_a == b.first_name and persons[b.fin]["sex"] == "male" and gap >= 16:
                    link(a, b, "father", "child")
                elif father_b and father_b == a.first_name and persons[a.fin]["sex"] == "male" and gap >= 16:
                    link(b, a, "father", "child")
                elif father_a and father_a == father_b and gap < 25:
                    link(a, b, "sibling", "sibling")

    # A spouse the register knows and eprok does not (about half of the adults without one).
    for person in naturals:
        fin = str(person.fin)
        record = persons[fin]
        rng = _rng("spouse", fin)
        if not person.birth_date or person.birth_date > today - dt.timedelta(days=22 * 366):
            continue
        if any(f["relation"] == "spouse" for f in record["family"]) or rng.random() >= 0.5:
            continue
        female = record["sex"] == "male"
        spouse_fin = _fin_from(rng, taken)
        last = _surname(person.last_name or "Məmmədov", female)
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        patronymic = f"{rng.choice(MALE_NAMES)} {'qızı' if female else 'oğlu'}"
        birth = person.birth_date + dt.timedelta(days=rng.randint(-6 * 365, 6 * 365))
        persons[spouse_fin] = {
            "last_name": last,
            "first_name": first,
            "patronymic": patronymic,
            "birth_date": birth.isoformat(),
            "sex": "female" if female else "male",
            "citizenship": "AZ",
            "address": dict(record["address"]),
            "photo_ref": f"iamas/{hashlib.sha256(spouse_fin.encode()).hexdigest()[:20]}",
            "family": [
                {
                    "fin": fin,
                    "relation": "spouse",
                    "name": _full_name(person.last_name, person.first_name, person.patronymic),
                }
            ],
        }
        records[spouse_fin] = {"convictions": [], "wanted": False, "wanted_by": None, "wanted_since": None}
        record["family"].append(
            {"fin": spouse_fin, "relation": "spouse", "name": _full_name(last, first, patronymic)}
        )

    # Taxpayers: the legal entities (a director from among the natural persons) and sole traders.
    directors = [
        p for p in naturals if p.birth_date is None or p.birth_date <= today - dt.timedelta(days=21 * 366)
    ]
    taxpayers: dict[str, dict[str, Any]] = {}
    for entity in legals:
        voen = str(entity.voen)
        rng = _rng("taxpayer", voen)
        addresses = sorted(entity.addresses.all(), key=lambda a: (a.kind != AddressKind.LEGAL, a.pk))
        address = (
            {"district": addresses[0].district, "text": addresses[0].text} if addresses else _address(rng)
        )
        registered = entity.registration_date or dt.date(1998, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
        if entity.kind == PersonKind.LEGAL:
            name = entity.legal_name
            suffix = next((s for s in LEGAL_FORMS if name.rstrip().endswith(s)), "MMC")
            legal_form = LEGAL_FORMS[suffix]
            if directors:
                chosen = directors[int(hashlib.sha256(voen.encode()).hexdigest(), 16) % len(directors)]
                director = {
                    "fin": chosen.fin,
                    "name": _full_name(chosen.last_name, chosen.first_name, chosen.patronymic),
                }
            else:
                director = {
                    "fin": _fin_from(rng, taken),
                    "name": f"Həsənov {rng.choice(MALE_NAMES)} Əli oğlu",
                }
            owner_id = voen
        else:
            name = _full_name(entity.last_name, entity.first_name, entity.patronymic)
            legal_form = "Fərdi sahibkar"
            director = {"fin": entity.fin, "name": name}
            owner_id = voen
        taxpayers[voen] = {
            "name": name,
            "legal_form": legal_form,
            "registered_on": registered.isoformat(),
            "address": address,
            "director": director,
            "status": "liquidated" if rng.random() < 0.1 else "active",
        }
        if entity.kind == PersonKind.LEGAL:
            if rng.random() < 0.5:
                vehicles.extend(
                    _vehicle(rng, {"id": owner_id, "name": name}, registered, today, plates)
                    for _ in range(rng.randint(1, 3))
                )
            if rng.random() < 0.5:
                properties.append(_property(rng, owner_id, rng.choice(("commercial", "land")), registered))

    return {
        "generated_for": today.isoformat(),
        "persons": persons,
        "taxpayers": taxpayers,
        "vehicles": vehicles,
        "properties": properties,
        "records": records,
        "crossings": crossings,
    }


def write_dataset(path: str | Path, today: dt.date | None = None) -> dict[str, Any]:
    """Write the dataset as JSON (sorted keys, UTF-8) and return it."""
    data = build_dataset(today=today)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data

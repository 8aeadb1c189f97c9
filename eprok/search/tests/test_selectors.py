"""Searching the fixed corpus: spellings, transliterations, typos, numbers, snippets, facets, pages."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from eprok.search.selectors import SearchParams, levenshtein, search


def run(people, q, user="investigator", **filters):
    return search(user=getattr(people, user), params=SearchParams(q=q, **filters))


def keys(results):
    return {(hit.label, hit.key) for hit in results.hits}


def person_key(person):
    return ("persons.person", str(person.public_id))


@pytest.mark.parametrize("q", ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "MƏMMƏDOV", "məmmədov elçin"])
def test_mammadov_in_every_spelling(people, corpus, q):
    found = keys(run(people, q))
    assert person_key(corpus.mammadov) in found
    # The report names him as its applicant.
    assert ("materials.material", corpus.material.number) in found


@pytest.mark.parametrize("q", ["Əliyev", "Aliyev", "Алиев", "aliyev rauf"])
def test_aliyev_in_every_spelling(people, corpus, q):
    assert person_key(corpus.aliyev) in keys(run(people, q))


@pytest.mark.parametrize("q", ["Hüseynov", "Huseynov", "Guseynov", "Гусейнов"])
def test_huseynov_in_every_spelling_finds_the_person_the_case_and_the_cyrillic_document(people, corpus, q):
    found = keys(run(people, q))
    assert person_key(corpus.huseynov) in found
    assert ("cases.case", corpus.case.number) in found
    assert ("documents.document", str(corpus.document.public_id)) in found


@pytest.mark.parametrize("q", ["Şükürov", "Shukurov", "Sukurov", "ŞÜKÜROV"])
def test_shukurov_finds_the_person_and_his_appeal(people, corpus, q):
    found = keys(run(people, q))
    assert person_key(corpus.shukurov) in found
    assert ("appeals.appeal", corpus.appeal.number) in found


@pytest.mark.parametrize("q", ["Çələbi", "Chelebi", "Celebi", "Чалаби"])
def test_chalabi_finds_the_person_and_the_appeal_naming_her(people, corpus, q):
    found = keys(run(people, q))
    assert person_key(corpus.chalabi) in found
    assert ("appeals.appeal", corpus.appeal.number) in found


@pytest.mark.parametrize("q", ["Qılınc", "Qilinc", "QILINC", "qılınc İlkin", "QILINC ILKIN"])
def test_dotless_i_either_way(people, corpus, q):
    assert person_key(corpus.qilinc) in keys(run(people, q))


@pytest.mark.parametrize("q", ["Mammadof", "Memmedovv", "Huseinov", "Şükürof", "Qilinj"])
def test_typos_in_names_are_forgiven(people, corpus, q):
    found = {key for label, key in keys(run(people, q)) if label == "persons.person"}
    assert found, q


def test_a_word_matches_by_prefix_in_every_type(people, corpus):
    found = keys(run(people, "qızıl"))
    assert ("materials.material", corpus.material.number) in found
    assert ("cases.case", corpus.case.number) in found
    assert ("documents.document", str(corpus.document.public_id)) not in found  # its text says "золото"


def test_the_supervisor_of_the_city_sees_both_offices(people, corpus):
    results = run(people, "qızıl", user="superior")
    assert {f.value: f.count for f in results.facets["unit"]} == {"baku-xetai": 2, "baku-nesimi": 1}
    assert {f.value: f.count for f in results.facets["article"]} == {"177.2.3": 2, "178.1": 1}
    assert ("materials.material", corpus.other_material.number) in keys(results)


def test_unrelated_words_find_nothing(people, corpus):
    results = run(people, "zəlzələ")
    assert results.searched and results.total == 0 and results.hits == []


@pytest.mark.parametrize("q", ["5ZK8P2M", "5zk8p2m", " 5ZK8P2M "])
def test_fin_is_matched_exactly(people, corpus, q):
    found = keys(run(people, q))
    assert person_key(corpus.mammadov) in found
    assert ("materials.material", corpus.material.number) in found  # he is its applicant


def test_a_fin_one_character_off_finds_nothing(people, corpus):
    assert run(people, "5ZK8P2N").total == 0


def test_register_and_case_numbers_are_exact(people, corpus):
    assert keys(run(people, corpus.case.number)) == {
        ("cases.case", corpus.case.number),
        *[("documents.document", str(corpus.document.public_id))],
    }
    assert ("materials.material", corpus.material.number) in keys(run(people, corpus.material.number.lower()))
    assert run(people, corpus.case.number[:-1] + "9").total == 0


@pytest.mark.parametrize("q", ["+994 50 123 45 67", "050 123-45-67", "(050) 1234567", "994501234567"])
def test_a_persons_phone_in_any_formatting(people, corpus, q):
    assert keys(run(people, q)) == {person_key(corpus.mammadov)}


def test_an_applicants_phone(people, corpus):
    assert keys(run(people, "050 987 65 43")) == {("appeals.appeal", corpus.appeal.number)}


def test_a_number_and_a_name_together_narrow_the_search(people, corpus):
    assert keys(run(people, "5ZK8P2M Məmmədov")) == {
        person_key(corpus.mammadov),
        ("materials.material", corpus.material.number),
    }
    assert run(people, "5ZK8P2M Hüseynov").total == 0


def test_snippets_escape_the_text_and_mark_the_matches(people, corpus):
    results = run(people, "Mamedov")
    material = next(h for h in results.hits if h.label == "materials.material")
    assert "<mark>Məmmədov</mark>" in material.snippet
    assert "<script>" not in material.snippet and "<script>" not in material.title
    assert "&lt;script&gt;" in material.title
    document = next(h for h in run(people, "Hüseynov").hits if h.label == "documents.document")
    assert "<mark>Гусейнова</mark>" in document.snippet


def test_facets_count_types_units_statuses_and_articles(people, corpus):
    results = run(people, "qızıl")
    types = {f.value: f.count for f in results.facets["type"]}
    assert types == {"cases.case": 1, "materials.material": 1}
    assert {f.value: f.count for f in results.facets["article"]} == {"177.2.3": 2}
    assert {f.value: f.count for f in results.facets["unit"]} == {"baku-xetai": 2}


def test_filters_narrow_the_hits_but_not_their_own_facet(people, corpus):
    results = run(people, "qızıl", types=("cases.case",))
    assert keys(results) == {("cases.case", corpus.case.number)}
    assert results.total == 1
    # The type facet still offers the other type with its count.
    assert {f.value: (f.count, f.selected) for f in results.facets["type"]} == {
        "cases.case": (1, True),
        "materials.material": (1, False),
    }


def test_article_filter_includes_the_parts_of_an_article(people, corpus):
    assert run(people, "qızıl", article="177").total == 2
    assert run(people, "qızıl", article="177.2.3").total == 2
    assert run(people, "qızıl", article="178").total == 0


def test_status_and_date_filters(people, corpus):
    status = corpus.case.status
    results = run(people, "qızıl", status=status)
    assert keys(results) == {("cases.case", corpus.case.number)}
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    assert run(people, "qızıl", date_from=today - dt.timedelta(days=4)).total == 1
    assert run(people, "qızıl", date_to=today - dt.timedelta(days=4)).total == 1
    assert run(people, "qızıl", date_to=today - dt.timedelta(days=30)).total == 0


def test_newest_first_and_pages(people, corpus, settings):
    from eprok.search import selectors

    results = run(people, "qızıl")
    assert [h.label for h in results.hits] == ["cases.case", "materials.material"]  # 3 days ago, 10 days ago
    first = search(user=people.investigator, params=SearchParams(q="qızıl"), offset=0, limit=1)
    second = search(user=people.investigator, params=SearchParams(q="qızıl"), offset=1, limit=1)
    assert first.total == second.total == 2 and first.pages == 2
    assert [h.key for h in first.hits + second.hits] == [h.key for h in results.hits]
    assert selectors.MAX_PAGE >= 1


@override_settings(SEARCH_CANDIDATE_LIMIT=1)
def test_candidates_are_bounded_to_the_newest(people, corpus):
    results = run(people, "qızıl")
    assert results.capped is True
    assert results.total == 1
    assert keys(results) == {("cases.case", corpus.case.number)}


def test_an_empty_query_searches_nothing(people, corpus):
    results = run(people, "   ")
    assert results.searched is False and results.total == 0


def test_levenshtein():
    assert levenshtein("mammadov", "mammadof", 2) == 1
    assert levenshtein("kitten", "sitting", 3) == 3
    assert levenshtein("abc", "abcdef", 1) == 2


@override_settings(SEARCH_CANDIDATE_LIMIT=1)
def test_filters_apply_before_the_bound_so_narrowing_reaches_older_records(people, corpus):
    results = run(people, "qızıl", types=("materials.material",))
    assert keys(results) == {("materials.material", corpus.material.number)}
    assert results.capped is False and results.total == 1


def test_a_hit_whose_key_no_longer_makes_a_url_is_listed_without_a_link(people, corpus):
    from eprok.search.models import SearchEntry

    SearchEntry.objects.filter(label="documents.document").update(key="not-a-uuid")
    (hit,) = [h for h in run(people, "Гусейнов").hits if h.label == "documents.document"]
    assert hit.url == ""


@pytest.mark.django_db
def test_marks_are_the_same_whichever_matcher_and_however_often():
    """Highlighting folds each token once (memoised across searches) and one matcher serves a whole
    page: the marks must not depend on either — words in any spelling, numbers and phones."""
    from eprok.search.selectors import _Matcher, highlight, plan, snippet

    text = (
        "Məmmədov Elvin, Мамедова Севиндж; tel. +994 (50) 123-45-67, iş CI-BAKU-2026-00012, "
        "maddə 177.2.3; Qaradağ rayonu, prokurorluğu, Hüseynov, <b>tag</b>"
    )
    expected = {
        "Mamedov": ["Məmmədov", "Мамедова"],
        "0501234567": ["+994 (50) 123-45-67"],
        "ci-baku-2026-00012": ["CI-BAKU-2026-00012"],
        "qaradag prokurorlu": ["Qaradağ", "prokurorluğu"],
        "Гусейнов": ["Hüseynov"],
    }
    for q, words in expected.items():
        query = plan(q)
        shared = _Matcher(query)
        for _repeat in range(2):
            alone = highlight(text, query)
            assert highlight(text, query, shared) == alone
            assert snippet(text, query, matcher=shared) == snippet(text, query)
            marked = re.findall(r"<mark>(.*?)</mark>", alone)
            assert [m.replace("&#x27;", "'") for m in marked] == words, q
        assert "&lt;b&gt;tag&lt;/b&gt;" in alone
    # A token longer than the memoised ones is folded each time, and matched the same way.
    long_word = "prokurorluğu" + "x" * 70
    assert re.findall(r"<mark>(.*?)</mark>", highlight(f"bax: {long_word}.", plan("prokurorlu"))) == [
        long_word
    ]

"""Help pages: user guides rendered from docs/user, in the interface language, nothing else served."""

from __future__ import annotations

import pytest

from eprok.core import guides


@pytest.fixture
def guide_dir(tmp_path, settings):
    (tmp_path / "demo.az.md").write_text(
        "# Nümunə bələdçi\n\nƏsas **mətn**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8"
    )
    (tmp_path / "demo.en.md").write_text("# Demo guide\n\nMain **text**.\n", encoding="utf-8")
    (tmp_path / "sign-in.az.md").write_text("# Sistemə giriş\n\nŞifrə.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Index\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not a guide", encoding="utf-8")
    settings.USER_GUIDES_DIR = tmp_path
    return tmp_path


def test_it_renders_the_shell_guide_from_the_repository(signed_in, personas):
    response = signed_in(personas.investigator).get("/help/shell/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    assert 'class="usa-prose eprok-guide" lang="az"' in html


def test_it_renders_markdown_in_the_interface_language(client, signed_in, personas, guide_dir):
    client = signed_in(personas.investigator)

    az = client.get("/help/demo/").content.decode()
    client.cookies["eprok_language"] = "en"
    en = client.get("/help/demo/").content.decode()

    assert "<strong>mətn</strong>" in az
    assert "<table>" in az
    assert "<strong>text</strong>" in en
    assert "Nümunə bələdçi" in az and "Demo guide" in en


def test_russian_falls_back_to_english(client, signed_in, personas, guide_dir):
    client.cookies["eprok_language"] = "ru"
    html = signed_in(personas.investigator).get("/help/demo/").content.decode()

    assert 'lang="en"' in html
    assert "Demo guide" in html


@pytest.mark.parametrize(
    "path",
    [
        "/help/../pyproject/",
        "/help/..%2F..%2Fpyproject/",
        "/help/%2e%2e/",
        "/help/README/",
        "/help/secret/",
        "/help/nothing-here/",
        "/help/demo.az/",
    ],
)
def test_it_refuses_anything_but_an_existing_guide(signed_in, personas, guide_dir, path):
    response = signed_in(personas.investigator).get(path)

    assert response.status_code == 404


def test_it_asks_for_sign_in_except_for_the_sign_in_guide(client, guide_dir, db):
    assert client.get("/help/demo/").status_code == 302
    response = client.get("/help/sign-in/")
    assert response.status_code == 200
    assert "Sistemə giriş" in response.content.decode()


def test_the_index_lists_guides_in_azerbaijani_order(guide_dir):
    (guide_dir / "audit.az.md").write_text("# Audit jurnalı\n", encoding="utf-8")
    (guide_dir / "cases.az.md").write_text("# Çinayət işləri\n", encoding="utf-8")
    (guide_dir / "calls.az.md").write_text("# Zənglər\n", encoding="utf-8")

    titles = [title for _slug, title in guides.index("az")]

    assert titles == ["Audit jurnalı", "Çinayət işləri", "Nümunə bələdçi", "Sistemə giriş", "Zənglər"]

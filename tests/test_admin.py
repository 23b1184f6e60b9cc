from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from stats.enums import Qualifier, Unit, YearState
from stats.models import Year

from .factories import make_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser(
        "editor", "editor@example.org", "a-long-test-password"
    )
    client.force_login(user)
    return client


def inline(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def year_form(figures, quotes=(), **fields):
    return {
        "label": "2023",
        "slug": "2023",
        "title": "Operation Alliance results 2023",
        "introduction": "What the operation achieved.",
        "other_results": "",
        "period_start": "01/01/2023",
        "period_end": "31/12/2023",
        "state": YearState.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        **fields,
        **inline("figures", figures),
        **inline("quotes", quotes),
        **inline("change_notes", []),
    }


def test_a_year_is_entered_on_one_page_saved_as_draft_then_published(staff_client):
    drugs = make_measure(name="Drugs seized", unit=Unit.MONEY, is_headline=True)
    response = staff_client.post(
        "/admin/stats/year/add/",
        year_form(
            figures=[{"measure": drugs.pk, "value": "4000000", "qualifier": Qualifier.NEARLY}],
            quotes=[
                {
                    "speaker_name": "Ian Hussey",
                    "speaker_role": "Detective Superintendent",
                    "text": "Hi.",
                    "order": "1",
                }
            ],
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()
    year = Year.objects.get(slug="2023")
    assert year.state == YearState.DRAFT
    assert year.figures.get().display == "nearly £4m"
    assert year.quotes.get().speaker_name == "Ian Hussey"
    assert staff_client.get("/years/2023/").status_code == HTTPStatus.NOT_FOUND

    staff_client.post("/admin/stats/year/", {"action": "publish", "_selected_action": [year.pk]})
    year.refresh_from_db()
    assert year.state == YearState.PUBLISHED and year.published_at is not None
    assert staff_client.get("/years/2023/").status_code == HTTPStatus.OK


def test_a_bad_figure_is_explained_beside_it_and_nothing_is_saved(staff_client):
    arrests = make_measure(name="Arrests", unit=Unit.COUNT)
    response = staff_client.post(
        "/admin/stats/year/add/", year_form(figures=[{"measure": arrests.pk, "value": "38.5"}])
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "A count must be a whole number." in page
    # The officer's other input is still on the form.
    assert "Operation Alliance results 2023" in page
    assert not Year.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/stats/year/",
        "/admin/stats/measure/",
        "/admin/stats/quote/",
        "/admin/stats/changenote/",
        "/admin/stats/year/add/",
    ],
)
def test_admin_list_and_add_pages_open(staff_client, path):
    response = staff_client.get(path + ("?q=2022" if path.endswith("year/") else ""))
    assert response.status_code == HTTPStatus.OK


def test_the_admin_needs_a_login(client):
    response = client.get("/admin/stats/year/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]

"""Hostile and odd input: plain 400s and 404s, never a 500; nothing invalid saved; text escaped."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import transaction
from django.forms import modelform_factory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from stats.admin.figure_grid import FigureForm
from stats.models import Figure, Quote
from stats.models.enums import Qualifier, Unit, YearState
from stats.models.figure import LIMITS
from stats.rules.parsing import AmountError, parse_amount

from .factories import make_figure, make_measure, make_year, release

# Each odd address with the one answer it must get: a regression that served any of them
# (a file outside the photos folder, say) fails here.
ODD_PATHS = [
    ("/years/2099/", HTTPStatus.NOT_FOUND),
    ("/years/" + "a" * 300 + "/", HTTPStatus.NOT_FOUND),
    ("/years/%E2%80%AE%00/", HTTPStatus.NOT_FOUND),
    ("/years/../admin/", HTTPStatus.NOT_FOUND),
    ("/years/2022/data.exe", HTTPStatus.NOT_FOUND),
    ("/years/2022/embed/%ff/", HTTPStatus.NOT_FOUND),
    ("/years/2022/embed/no-such-measure/", HTTPStatus.NOT_FOUND),
    ("/years/2022/card.png?v=<script>", HTTPStatus.OK),  # a query string changes nothing
    ("/measures/%00/", HTTPStatus.NOT_FOUND),
    ("/measures/" + "é" * 50 + "/", HTTPStatus.NOT_FOUND),
    ("/data/all.xml", HTTPStatus.NOT_FOUND),
    ("/preview/garbage/", HTTPStatus.NOT_FOUND),
    ("/preview/" + "x" * 5000 + "/", HTTPStatus.NOT_FOUND),
    ("/media/photos/../../etc/passwd", HTTPStatus.NOT_FOUND),
    ("/media/photos/%2e%2e%2f%2e%2e%2fetc%2fpasswd", HTTPStatus.NOT_FOUND),
    ("/media/photos/none.png", HTTPStatus.NOT_FOUND),
    ("/media/photos/a%00.jpg", HTTPStatus.NOT_FOUND),
    ("/feed.xml?page=-1", HTTPStatus.OK),
    ("/next-release.ics?x=%00", HTTPStatus.OK),
    ("/%ff%fe/", HTTPStatus.NOT_FOUND),
    ("/years/2022/?q=' OR 1=1 --", HTTPStatus.OK),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status"), ODD_PATHS, ids=lambda p: str(p)[:40])
def test_odd_addresses_get_their_one_plain_answer(client, path, status):
    year = make_year("2022")
    make_figure(year, make_measure(slug="drugs-seized", unit=Unit.MONEY), "4000000")
    release(year)
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    assert b"Traceback" not in response.content and b"root:" not in response.content


@pytest.mark.django_db
def test_a_wrong_host_is_refused_plainly(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST


@given(st.text(max_size=40))
def test_the_amount_reader_never_crashes_and_only_returns_exact_amounts(text):
    try:
        value, symbol = parse_amount(text)
    except AmountError as error:
        assert str(error)  # always a message for the field
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert value == value.quantize(Decimal("0.01"))
    assert symbol in ("", "£", "%")


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12
    )
)
def test_any_number_typed_plainly_reads_back_exactly(number):
    assert parse_amount(str(number)) == (number, "")


HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE stats_year; --",
            "\x00",
            "1e9999",
            "-0",
            "NaN",
            "£-5m",
            "%",
            "£",
        ]
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=HOSTILE_TEXT,
    comparison=HOSTILE_TEXT,
    note=HOSTILE_TEXT,
    unit=st.sampled_from(Unit.values),
)
def test_the_figure_form_rejects_cleanly_and_saves_only_valid_figures(
    value, comparison, note, unit
):
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    measure = make_measure(unit=unit)
    data = {
        "measure": measure.pk,
        "value": value,
        "qualifier": Qualifier.EXACT,
        "comparison": comparison[:100],
        "note": note[:300],
    }
    form = FigureForm(data=data, instance=Figure(year=year), year=year)
    if form.is_valid():
        figure = form.save()
        figure.refresh_from_db()
        if figure.value is not None:
            low, high = LIMITS[figure.unit]
            assert low <= figure.value <= high
            assert figure.unit != Unit.COUNT or figure.value == figure.value.to_integral_value()
        # A percentage change states what it compares with, once it has a value.
        assert (
            figure.unit != Unit.PERCENT_CHANGE
            or figure.value is None
            or (figure.comparison.strip())
        )
    else:
        assert form.errors
    year.delete()
    measure.delete()


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.text(max_size=200), name=st.text(max_size=120), role=HOSTILE_TEXT)
def test_the_quote_form_rejects_cleanly_and_shows_words_as_text_never_markup(
    client, words, name, role
):
    with transaction.atomic():  # each example's rows are rolled back after it
        year = make_year("2022")
        QuoteForm = modelform_factory(
            Quote, fields=["speaker_name", "speaker_role", "text", "order"]
        )
        data = {
            "speaker_name": name,
            "speaker_role": role,
            "text": "<script>alert('x')</script> " + words,
            "order": "1",
        }
        form = QuoteForm(data=data, instance=Quote(year=year))
        if form.is_valid():
            form.save()
            release(year)
            page = client.get("/years/2022/").content.decode()
            assert "<script>alert" not in page
            # Escaped as the public templates escape (Jinja2's markupsafe): shown, never run.
            assert str(escape("<script>alert('x')</script>")) in page
        else:
            assert form.errors and not Quote.objects.exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_value_the_database_refuses_is_not_found_and_logged_not_an_outage(client, caplog):
    # A NUL byte reaches PostgreSQL, which refuses it (DataError): once a 503 "temporarily
    # unavailable", as if the database were down, with nothing logged.
    client.raise_request_exception = False
    response = client.get("/media/photos/a%00.jpg")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Retry-After" not in response
    assert any(
        record.exc_info and "Bad input refused by the database" in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/years/2022/", "/data/all.csv", "/static/css/site.css"])
def test_options_says_what_a_public_address_allows_and_shows_no_page(
    client, path, settings, tmp_path
):
    # Nothing collected: where whitenoise (or nginx) has the file, it answers OPTIONS itself.
    settings.STATIC_ROOT = tmp_path
    make_year("2022")
    response = client.options(path)
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "POST", "PROPFIND"])
def test_methods_a_public_page_does_not_take_get_a_plain_405(client, method):
    make_year("2022")
    response = client.generic(method, "/years/2022/", "body", HTTP_X_TEST="echo me")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert b"echo me" not in response.content and b"<html" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE"])
def test_the_admin_takes_get_and_post_only(client, method):
    response = client.generic(method, "/admin/login/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED  # not CSRF's 403
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.options("/admin/login/")["Allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.django_db
def test_a_slug_that_looks_like_a_sum_is_text_in_the_csv(client):
    import csv
    import io

    year = make_year("2022")
    measure = make_measure(slug="-2-3", name="Odd", unit=Unit.PERCENT_CHANGE)
    make_figure(year, measure, "-5", comparison="compared with 2021")
    release(year)
    text = client.get("/years/2022/data.csv").content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["measure_slug"] == "'-2-3"  # a spreadsheet would have computed -5
    assert row["value"] == "-5"  # the value stays a number

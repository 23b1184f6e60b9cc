"""The year's admin page as a browser fills it in: forms read from the rendered page
(django-webtest), so every test submits exactly the rows and fields a browser would."""

ADD = "/admin/stats/year/add/"


def change_url(year):
    return f"/admin/stats/year/{year.pk}/change/"


def year_form(app, user, year=None):
    """The add form (no year) or a year's change form, opened as `user`."""
    page = app.get(change_url(year) if year else ADD, user=user)
    return page.forms["year_form"]


def approve_form(page):
    """The form that approves the held change shown on `page` (a year's or a measure's)."""
    return next(f for f in page.forms.values() if "correction" in f.fields or "change" in f.fields)


def figure_row(form, measure):
    """The prefix of the grid row for `measure`, e.g. "figures-3"."""
    for name, fields in form.fields.items():
        if name.startswith("figures-") and name.endswith("-measure"):
            if fields[0].value == str(measure.pk):
                return name.removesuffix("-measure")
    raise LookupError(f"No row for {measure} in the figure grid.")


def fill_figure(form, measure, **values):
    """Type into the row for `measure`: value="£1.5m", qualifier="nearly", not_reported=True."""
    row = figure_row(form, measure)
    for key, value in values.items():
        form[f"{row}-{key}"] = value
    return form


def quote_rows(form):
    """The prefixes of the quote rows shown, e.g. ["quotes-0", "quotes-1"]."""
    total = int(form["quotes-TOTAL_FORMS"].value)
    return [f"quotes-{index}" for index in range(total)]


def fill(form, **fields):
    for name, value in fields.items():
        form[name] = value
    return form

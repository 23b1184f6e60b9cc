"""“Is this page useful?” and “Report a problem with this page”, at the foot of every public
page (the GOV.UK pattern). A report is kept with the page it came from, listed in the admin
with counts per page, and emailed to the press office (PRESS_OFFICE_EMAIL) by the worker."""

from django.shortcuts import render

from stats.alerts import limits, queue
from stats.models import ProblemReport
from stats.visitors import client_address

from .alert_forms import ReportForm
from .alerts import too_many
from .guard import is_robot, public_form


@public_form
def report_problem(request):
    if request.method != "POST":
        page = request.GET.get("page", "/")
        form = ReportForm(initial={"page": page if page.startswith("/") else "/"})
        return render(
            request, "stats/forms/report.html", {"form": form, "page": form.initial["page"]}
        )
    form = ReportForm(request.POST)
    if not form.is_valid():
        page = form.cleaned_data.get("page", "/")
        context = {"form": form, "page": page}
        return render(request, "stats/forms/report.html", context, status=400)
    data = form.cleaned_data
    if is_robot(request):
        return render(request, "stats/forms/thanks.html", {"page": data["page"]})
    if not limits.allow(visitor=client_address(request)):
        return too_many(request)
    report = ProblemReport.objects.create(
        page=data["page"],
        useful={"yes": True, "no": False}.get(data["useful"]),
        what_doing=data["what_doing"],
        what_wrong=data["what_wrong"],
    )
    if report.is_problem:
        queue.defer("send_report", report_id=report.pk)
    elif report.useful is False:  # GOV.UK's next question: what was wrong?
        form = ReportForm(initial={"page": report.page})
        return render(
            request, "stats/forms/report.html", {"form": form, "page": report.page, "asked": True}
        )
    return render(request, "stats/forms/thanks.html", {"page": report.page, "problem": report})

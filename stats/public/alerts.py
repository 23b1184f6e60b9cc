"""Email alerts for the public: subscribe (on year pages and /alerts/), confirm, change what
you get, unsubscribe in one click (RFC 8058), and /privacy/.

The pages with the form are cached for everyone; the form posts to /alerts/subscribe/,
which answers the same whatever the address's state, so nobody learns who subscribes.
"""

from django.shortcuts import render

from stats.alerts import limits, queue, retention, subscriptions
from stats.models import Subscriber
from stats.models.subscriber import AlertKind, SubscriberState
from stats.visitors import client_address

from .alert_forms import ChoicesForm, SubscribeForm
from .guard import is_robot, public_form


def alerts_page(request):
    return render(request, "stats/alerts/subscribe.html", {"kinds": AlertKind.choices})


def privacy(request):
    return render(
        request,
        "stats/privacy.html",
        {
            "unconfirmed_days": retention.UNCONFIRMED_DAYS,
            "delivery_days": retention.DELIVERY_DAYS,
            "ended_days": retention.ENDED_DAYS,
            "report_days": retention.REPORT_DAYS,
        },
    )


def _form_page(request, form, status):
    chosen = form.data.getlist("kinds") if form.is_bound else ["release"]
    context = {"form": form, "kinds": AlertKind.choices, "chosen": chosen}
    return render(request, "stats/alerts/subscribe.html", context, status=status)


def too_many(request):
    return render(request, "stats/forms/too_many.html", status=429)


@public_form
def subscribe(request):
    if request.method != "POST":
        return _form_page(request, SubscribeForm(), 200)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, 400)
    if is_robot(request):
        return render(request, "stats/alerts/check_email.html")  # told nothing different
    address = form.cleaned_data["email"]
    if not limits.allow(visitor=client_address(request), address=address):
        return too_many(request)
    subscriber = subscriptions.ask(address, form.cleaned_data["kinds"])
    if subscriber is not None:
        queue.defer(
            "send_confirmation", lock=f"confirm-{subscriber.pk}", subscriber_id=subscriber.pk
        )
    return render(request, "stats/alerts/check_email.html")


@public_form
def confirm(request, signed):
    try:
        subscriber = subscriptions.from_confirmation_token(signed)
    except subscriptions.Expired:
        return render(request, "stats/alerts/expired.html", status=410)
    if subscriber is None or subscriber.state == SubscriberState.ENDED:
        return render(request, "stats/alerts/unknown_link.html", status=404)
    if request.method == "POST":
        subscriptions.confirm(subscriber)
    context = {"subscriber": subscriber, "kinds": [kind.label for kind in subscriber.kinds]}
    if subscriber.state == SubscriberState.ACTIVE:
        return render(request, "stats/alerts/confirmed.html", context)
    return render(request, "stats/alerts/confirm.html", context)


def _by_token(token):
    return Subscriber.objects.filter(token=token).exclude(state=SubscriberState.ENDED).first()


@public_form
def manage(request, token):
    subscriber = _by_token(token)
    if subscriber is None:
        return render(request, "stats/alerts/unknown_link.html", status=404)
    form = ChoicesForm(request.POST if request.method == "POST" else None)
    saved = False
    if form.is_valid():
        subscriptions.choose(subscriber, form.cleaned_data["kinds"])
        saved = True
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": saved,
        "kinds": AlertKind.choices,
        "chosen": form.data.getlist("kinds") if form.is_bound else subscriber.kinds,
    }
    return render(request, "stats/alerts/manage.html", context, status=400 if form.errors else 200)


@public_form
def unsubscribe(request, token):
    """GET: one button, so a mail scanner that opens links unsubscribes no one. POST (the
    button, or a mail client's one-click List-Unsubscribe-Post): ended, no sign-in."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return render(request, "stats/alerts/unknown_link.html", status=404)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
    if subscriber.state == SubscriberState.ENDED:
        return render(request, "stats/alerts/unsubscribed.html")
    return render(request, "stats/alerts/unsubscribe.html", {"subscriber": subscriber})

"""The messages: an alert, a confirmation, a reader's report for the press office, each in
plain text and HTML (stats/jinja2/emails/). An alert carries one-click unsubscribe headers
(RFC 8058) and a Message-ID fixed per (event, subscriber), so even a mail system that saw
one twice would show it once."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from stats.models.subscriber import SubscriberState

from . import links
from .subscriptions import confirmation_token


def _render(name, context):
    context = {
        "operation_name": settings.OPERATION_NAME,
        "force_name": settings.FORCE_NAME,
        **context,
    }
    text = render_to_string(f"emails/{name}.txt", context, using="jinja2")
    html = render_to_string(f"emails/{name}.html", context, using="jinja2")
    return text, html


def _message(subject, to, text, html, headers=None):
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


def subscriber_links(subscriber):
    return {
        "unsubscribe_url": links.link("stats:unsubscribe", subscriber.token),
        "manage_url": links.link("stats:manage_alerts", subscriber.token),
    }


def alert(event, subscriber, to=None):
    """The alert for one subscriber; `to` sends a copy elsewhere (a press officer's test)."""
    urls = subscriber_links(subscriber)
    words = event.content
    if "path" in words:
        words = {**words, "link": links.absolute(words["path"])}
    text, html = _render(event.kind, {**words, **urls, "test": to is not None})
    headers = {
        "List-Unsubscribe": f"<{urls['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Message-ID": f"<alert.{event.pk}.{subscriber.pk}@{links.domain()}>",
        "Auto-Submitted": "auto-generated",
    }
    subject = event.subject if to is None else f"[Test] {event.subject}"
    return _message(subject, to or subscriber.email, text, html, headers)


def confirmation(subscriber):
    """Confirm (a new or pending address), or "you already have alerts" (a confirmed one)."""
    context = {
        "kinds": [kind.label for kind in subscriber.kinds],
        "confirm_url": links.link("stats:confirm_alerts", confirmation_token(subscriber)),
        "days": 7,
        **subscriber_links(subscriber),
    }
    if subscriber.state == SubscriberState.ACTIVE:
        text, html = _render("already", context)
        subject = f"You already get {settings.OPERATION_NAME} results alerts"
    else:
        text, html = _render("confirm", context)
        subject = f"Confirm your {settings.OPERATION_NAME} results alerts"
    return _message(subject, subscriber.email, text, html, {"Auto-Submitted": "auto-replied"})


def report(report):
    context = {
        "report": report,
        "page_url": links.absolute(report.page),
        "admin_url": links.absolute(reverse("admin:stats_problemreport_changelist")),
    }
    text, html = _render("report", context)
    subject = f"Problem reported on {report.page}"[:200]
    return _message(subject, settings.PRESS_OFFICE_EMAIL, text, html)

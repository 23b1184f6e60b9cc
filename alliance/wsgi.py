"""The WSGI application gunicorn serves: Django behind the page cache's front door, which
answers the pages a worker holds before Django's request handling runs
(stats/pagecache/front.py). gunicorn.conf.py loads it once in the master and forks the workers
from it, so what is loaded here is shared by every worker instead of repeated in each."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")

django_application = get_wsgi_application()

from stats.pagecache.front import PageCacheFront  # noqa: E402 - needs Django set up first

application = PageCacheFront(django_application)


def warm_up():
    """Do, before the fork, what each worker would otherwise do on its first requests: the URL
    patterns and error pages, UK date formats, models' field lists, template tag libraries and
    context processors, every page and email template compiled, the session and message
    stores. Done once here, they are shared by every worker (half the memory a busy worker
    adds is this). Nothing here touches the database: the site starts while it is down."""
    from django.apps import apps
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import import_string

    resolver = get_resolver()
    resolver._populate()  # every URLconf and view imported, every pattern compiled
    for status in (400, 403, 404, 500):
        resolver.resolve_error_handler(status)
    with translation.override(settings.LANGUAGE_CODE):
        formats.get_format("DATE_FORMAT")
    for model in apps.get_models():
        model._meta.get_fields()
    for engine in engines.all():
        getattr(engine, "engine", engine).template_context_processors  # noqa: B018
    jinja = engines["jinja2"].env
    for name in jinja.list_templates(filter_func=lambda name: name.endswith((".html", ".txt"))):
        jinja.get_template(name)
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)


warm_up()

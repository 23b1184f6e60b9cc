"""Logging for people and for log collectors: JSON lines on stdout in production
(LOG_FORMAT=json: time, level, logger, message and the request's id on every line), plain
text on stderr in development. Imported by settings' LOGGING: nothing of Django here."""

import contextvars
import logging

# The id of the request this thread is serving (stats/request_log.py sets it), so every
# line logged while serving it carries it, whichever logger wrote the line.
request_id = contextvars.ContextVar("request_id", default=None)

FIELDS = "%(levelname)s %(name)s %(message)s"
RENAMED = {"levelname": "level", "name": "logger"}


class RequestId(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


def json_formatter():
    """python-json-logger's formatter, imported only when JSON is asked for."""
    from pythonjsonlogger.json import JsonFormatter

    # "time": ISO 8601 in UTC, to the microsecond.
    return JsonFormatter(FIELDS, rename_fields=RENAMED, timestamp="time")


def config(level, log_format):
    """settings.LOGGING: one handler on the root logger."""
    json_lines = log_format == "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestId}},
        "formatters": {
            "json": {"()": json_formatter},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "text",
                "filters": ["request_id"],
                "stream": "ext://sys.stdout" if json_lines else "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }

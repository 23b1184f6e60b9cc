"""Email: alerts to subscribers and readers' reports to the press office, sent by the worker
(the Procfile's `worker`, a Procrastinate queue in PostgreSQL; docs/decisions/0007).

- events: the three things worth an alert (a year published, a correction, a calendar
  change), each made once however often it is asked for, and the release moment;
- content: what an alert says, from the year as published (the one adapter);
- emails: the messages themselves, with their unsubscribe headers;
- sending: every matching subscriber gets an alert exactly once (smtp: the handover);
- subscriptions, limits: subscribing, confirming, managing, unsubscribing, and how often;
- retention, bounces: keeping as little as possible, and ending dead addresses;
- tasks: the jobs the worker runs; receivers: what connects them to the rules.

Sits on the rules and the records; the public pages and the admin sit on it
(tests/test_layout.py).
"""

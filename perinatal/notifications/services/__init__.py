"""Writes for notifications, one module per part of a notification's life.

Import each service from the module that holds it; this package re-exports nothing.

- ``drafts``: a reporter's draft, saved page by page, or discarded.
- ``duplicates``: notifications that may be the same event as a document (a warning, never a block).
- ``submission``: validate, route and store a new notification with its deliveries.
- ``amendment``: a new version of a notification, routed again, with a reason.
- ``acknowledgement``: a body acknowledges a notification with its own reference.
- ``information_requests``: a body asks the trust a question; the trust answers.
- ``api_tokens``: tokens for trusts' systems: issued, revoked, authenticated.
- ``documents``: reading a notification document (``parse``) and what submission and amendment share.
- ``outbox``: the deliveries a version queues, the worker asked after commit, a failed one queued again.
- ``trust_email``: telling the trust's reporters by email that a body acknowledged or asked.
- ``errors``: ``InvalidInput``, a value a service refuses, naming its field.

Submission and amendment store the notification, its version and one `Delivery` per body in
ONE transaction (the outbox): either all of it exists or none of it. Validation is the routing
engine's (`routing.parse_document`): `DocumentInvalid` reaches the caller untouched, each
error naming its field. Nothing identifiable goes into audit summaries or logs:
notifications are named by their reference.
"""

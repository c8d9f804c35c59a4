"""The evidence on a model package's approval card: what its metrics documents say, beside the
approved version of its group. Pure: values in, values out.

- ``model``: the values (a document's metrics, what was read of a version, what a card shows),
  JSON-safe both ways, as the store and a thread's state keep them.
- ``documents``: which documents a package's ``ModelMetrics`` points at, and their labels.
- ``locations``: S3 locations, and whether one is among those the bot may read.
- ``parse``: a document's JSON (evaluation reports, Clarify reports, Model Monitor statistics
  and constraints, flat ``{"name": number}``) as metrics.
- ``compare``: which direction is better for a metric, and the few key values a card shows
  with the approved version's.

Reading them from S3 is ``bot/aws/evidence.py``'s; showing them, ``bot/render/evidence.py``'s.
"""

"""SageMaker events: parsing (``parse``), the tolerant models (``models``) and the coercion of
their values (``coerce``), the detail-type registry (``registry``), identity (``identity``),
statuses (``status``), severity (``severity``) and workflow links (``workflow``).

Import from the modules themselves: importing this package imports nothing (no pydantic).
"""

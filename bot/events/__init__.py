"""SageMaker events: parsing (``parse``), the tolerant models (``models``), identity
(``identity``), statuses (``status``), severity (``severity``) and workflow links
(``workflow``).

Import from the modules themselves: importing this package imports nothing (no pydantic).
"""

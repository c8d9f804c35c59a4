"""Lambda entry points: decorators, build once, delegate to ``bot``."""

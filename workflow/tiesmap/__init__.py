"""tiesmap: map security ties between states from coded events to a dyad-year index."""

__version__ = "0.1.0"

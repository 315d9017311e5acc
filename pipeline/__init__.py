"""callreview: turn a folder of recorded sales calls into speaker-attributed, scored feedback.

The library does everything; ``pipeline.cli`` is a thin command line over it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

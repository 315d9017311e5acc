"""One module per output format; each registers its writer with ``pipeline.report.register``."""

"""vigia: a self-hosted news-monitoring alert bot."""

__version__ = "0.1.0"

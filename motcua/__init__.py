"""MotCua: the one-stop public-service centre of a Vietnamese commune or ward."""

__version__ = "0.1.0"

"""statusgen: a static status site, post-mortems and customer notices from records in git."""

__version__ = "0.1.0"

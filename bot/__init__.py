"""otbot: a career-guidance assistant for occupational therapists, grounded in articles."""

from bot.env import configure_offline

configure_offline()

__version__ = "0.1.0"

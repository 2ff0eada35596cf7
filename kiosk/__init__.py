"""studio-kiosk: the front-desk kiosk of Fast Track EMS & Fitness."""

__version__ = "0.1.0"

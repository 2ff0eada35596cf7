"""Pure-Python studio logic. Never imports Textual or kiosk.ui (a test enforces this)."""

"""The Textual user interface: a small App, its screens and widgets."""

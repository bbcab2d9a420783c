"""Reusable widgets: large buttons and text, and the practice phone."""

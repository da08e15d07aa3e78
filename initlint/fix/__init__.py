"""The fix: findings' edits applied to the module, as a CLI command and a libcst codemod."""

from .apply import apply_edits

__all__ = ["apply_edits"]

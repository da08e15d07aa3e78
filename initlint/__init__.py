"""initlint: finds Linear/Conv layers that keep torch's default init before an activation."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("initlint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .settings import Settings

__all__ = ["__version__", "Analysis", "Finding", "Settings", "SourceError", "analyze", "audit", "assert_initialised"]


def __getattr__(name: str):
    # The analysis imports libcst (~0.5 s of CPU): loaded on first use, so that the flake8 plugin,
    # which flake8 loads in every run, costs nothing on files that cannot produce a finding.
    if name in ("Analysis", "SourceError", "analyze"):
        from . import analysis

        return getattr(analysis, name)
    if name in ("audit", "assert_initialised"):
        # The runtime check needs torch (the audit extra): imported only when asked for.
        import importlib

        audit = importlib.import_module(".audit", __name__)
        return audit if name == "audit" else audit.assert_initialised
    if name == "Finding":
        from .findings import Finding

        return Finding
    raise AttributeError(f"module 'initlint' has no attribute {name!r}")

"""initlint: finds Linear/Conv layers that keep torch's default init before an activation."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("initlint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .analysis import Analysis, SourceError, analyze
from .findings import Finding
from .settings import Settings

__all__ = ["__version__", "Analysis", "Finding", "Settings", "SourceError", "analyze"]

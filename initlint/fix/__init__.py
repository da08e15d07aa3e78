"""The fix: findings' edits applied to the module, as a CLI command and a libcst codemod."""

from typing import Optional, Tuple

from ..analysis import Analysis, Source, analyze
from ..index import FileIndex
from ..settings import DEFAULT, Settings
from .apply import apply_edits


def fix_source(
    source: Source, settings: Settings = DEFAULT, path: Optional[str] = None, index: Optional[FileIndex] = None
) -> Tuple[bytes, Analysis]:
    """The fixed source (bytes, in the source's own encoding) and the analysis it came from.
    ``index``: as for ``analyze``.

    A source with nothing to fix comes back as it was (encoded as libcst encodes it).
    """
    analysis = analyze(source, settings, path, index=index)
    if analysis.module is None:
        return (source if isinstance(source, bytes) else source.encode("utf-8")), analysis
    return apply_edits(analysis.module, analysis.findings).bytes, analysis


__all__ = ["apply_edits", "fix_source"]

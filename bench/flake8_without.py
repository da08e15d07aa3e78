"""Child of bench/run.py: flake8 exactly as installed, but without the plugins of one distribution.

    python bench/flake8_without.py DIST [flake8 arguments...]

Why this is needed: flake8 runs every installed plugin on every file whatever ``--select`` says
(``--select`` only filters what is *reported*), so ``flake8 --select E,F,W,C90`` still pays for
initlint. Uninstalling initlint would change the environment between measurements; instead this
wrapper hides DIST's entry points from flake8's plugin discovery
(``flake8.plugins.finder._find_importlib_plugins``, which walks ``importlib.metadata``), so the
plugin is never imported nor run, and everything else (flake8, pyflakes, pycodestyle, mccabe,
other plugins, options, multiprocessing) is untouched. ``--version`` through this wrapper lists the
plugins actually loaded; bench/run.py checks that DIST is not among them.

The patch is applied at import time of this module, not under ``__main__``, so it also holds in
worker processes started with ``spawn``/``forkserver`` (flake8's workers re-discover plugins
there; multiprocessing re-imports this file as ``__mp_main__`` in each worker). With ``fork`` (the
default on Linux up to Python 3.13) the workers simply inherit it.
"""

from __future__ import annotations

import re
import sys

from flake8.plugins import finder

_HIDDEN = re.sub(r"[-_.]+", "-", sys.argv[1]).lower() if len(sys.argv) > 1 else ""
_original = finder._find_importlib_plugins


def _without_hidden():  # same signature and laziness as the original
    for plugin in _original():
        if re.sub(r"[-_.]+", "-", plugin.package).lower() != _HIDDEN:
            yield plugin


finder._find_importlib_plugins = _without_hidden


if __name__ == "__main__":
    from flake8.main.cli import main

    raise SystemExit(main(sys.argv[2:]))

"""``initlint check | fix | explain``: thin front ends over the one analysis."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from . import __version__
from . import config
from .index import reset
from .config import ConfigError, Configs
from .output import FORMATS, use_colour, write, write_errors, write_statistics
from .plot import DEFAULT_ACTIVATIONS
from .runner import check_file, check_file_with_fixes, gather, run
from .settings import CHOICES, DEFAULT, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in one line (the usage itself is one --help away)."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return jobs


def _setting_type(name: str):
    """argparse type for a setting: the same text conversion and checks as the flake8 options."""

    def convert(text: str) -> object:
        try:
            return config.from_text(name, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


# The settings `explain PATH:LINE` takes on its command line (its --activations is --plot's).
EXPLAIN_SETTINGS = ("repository", "cache", "cache_dir", "norm_in_between", "gates", "init_helpers")


def add_settings(command: argparse.ArgumentParser, names: Sequence[str] = Settings.names()) -> None:
    """``--config`` and every Settings field in ``names`` as an option (dashes for underscores).
    Options left out stay None, so the file's own settings apply to them."""
    group = command.add_argument_group("settings (override [tool.initlint] in the nearest pyproject.toml)")
    group.add_argument("--config", metavar="FILE", help="read [tool.initlint] from FILE for every file (no discovery)")
    for name in names:
        flag = f"--{config.option(name)}"
        if config.is_flag(name):
            help_text = f"{config.HELP[name]} (default: {'on' if getattr(DEFAULT, name) else 'off'})"
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif name in CHOICES:
            help_text = f"{config.HELP[name]} (default: {getattr(DEFAULT, name)})"
            group.add_argument(flag, choices=CHOICES[name], default=None, help=help_text)
        else:
            group.add_argument(
                flag, type=_setting_type(name), metavar=config.metavar(name), default=None, help=config.HELP[name]
            )


def configs_from(args: argparse.Namespace, names: Sequence[str] = Settings.names()) -> Configs:
    """Per-file settings: the nearest [tool.initlint] (or --config), the given options on top."""
    overrides = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    return Configs(overrides, args.config)


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="initlint", description="Finds Linear/Conv layers that keep torch's default init before an activation."
    )
    top.add_argument("--version", action="version", version=f"initlint {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="report findings (exit 1 when there are any)")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursing into *.py and *.ipynb)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--show-source", action="store_true", help="text: print each finding's line with a caret")
    check.add_argument(
        "--statistics", action="store_true", help="count findings per rule, after them (on stderr for json, sarif)"
    )
    check.add_argument("-j", "--jobs", type=_jobs, default=None, help="worker processes (default: all cores)")
    add_settings(check)

    from .fix.command import add_fix_parser  # the fix front end owns its options

    add_settings(add_fix_parser(commands, _jobs))

    explain = commands.add_parser(
        "explain", help="print a rule's documentation or the gain table, or what the analysis concluded about PATH:LINE"
    )
    explain.add_argument("code", nargs="?", help="a rule code (INI001), or PATH:LINE of a layer construction")
    explain.add_argument("--gains", action="store_true", help="print the activation table with exact gains")
    explain.add_argument("--markdown", action="store_true", help="print every rule and the gains (docs/rules.md)")
    explain.add_argument(
        "--plot", metavar="FILE.png", help="draw the second moment per layer, torch's default vs initlint (extra: plot)"
    )
    explain.add_argument(
        "--activations", default=",".join(DEFAULT_ACTIVATIONS), help="for --plot: torch activation classes, comma-separated"
    )
    # For PATH:LINE: the file's settings as check reads them, and the repository's own switches.
    add_settings(explain, EXPLAIN_SETTINGS)

    audit = commands.add_parser(
        "audit", help="build a model, run it once, report layers that keep torch's default init (extra: audit)"
    )
    audit.add_argument(
        "target", metavar="TARGET", help="module:callable or path/file.py:callable returning a model or (model, inputs)"
    )
    inputs = audit.add_mutually_exclusive_group()
    inputs.add_argument("--input-shape", metavar="8,3,224,224", help="run on a random normal input of this shape")
    inputs.add_argument("--example", metavar="module:callable", help="run on the inputs this callable returns")
    audit.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    audit.add_argument("--plot", metavar="FILE.png", help="draw E[y²] per layer, as built vs initlint's init")
    audit.add_argument(
        "--no-compare", dest="compare", action="store_false", help="skip the static analysis of the sites' files"
    )
    return top


def audit_command(args: argparse.Namespace) -> int:
    """The runtime audit needs torch, which the linter never imports: asked for only here."""
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.stderr.write("initlint audit needs torch: pip install 'initlint[audit]'\n")
        return EXIT_ERROR
    from .audit.command import run

    return run(args)


def check(args: argparse.Namespace, configs: Configs) -> int:
    files, results = gather(args.paths, configs)
    # SARIF carries each fix as text: only then is each finding's edit worked out.
    job = check_file_with_fixes if args.format == "sarif" else check_file
    results += list(run(job, files, args.jobs))
    results.sort(key=lambda r: r.path)
    write(results, args.format, sys.stdout, colour=use_colour(sys.stdout), show_source=args.show_source)
    if args.statistics:
        # Machine-read formats keep stdout to themselves.
        write_statistics(results, sys.stderr if args.format in ("json", "sarif") else sys.stdout)
    write_errors(results, sys.stderr)
    if any(r.failed for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(r.findings for r in results) else EXIT_CLEAN


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    reset()  # a new run reads the repository afresh (an edited file changes others' verdicts)
    try:
        if args.command == "explain":
            from .explain import explain

            return explain(args, configs_from(args, EXPLAIN_SETTINGS))
        if args.command == "audit":
            return audit_command(args)
        configs = configs_from(args)
        if args.command == "check":
            return check(args, configs)
        from .fix.command import fix

        return fix(args, configs)
    except ConfigError as error:
        sys.stderr.write(f"initlint: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("initlint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

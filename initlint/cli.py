"""``initlint check | fix | explain``: thin front ends over the one analysis."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import __version__
from .files import discover
from .output import FORMATS, write, write_errors
from .runner import check_file, run, split_errors
from .settings import CHOICES, DEFAULT, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return jobs


def add_settings(command: argparse.ArgumentParser) -> None:
    """The Settings fields as options: the same names everywhere (dashes for underscores)."""
    group = command.add_argument_group("settings")
    group.add_argument("--norm-in-between", action="store_true", help="also report layers followed by a norm, then an activation")
    group.add_argument("--gates", action="store_true", help="also report layers followed by Sigmoid-like gates")
    for name, choices in CHOICES.items():
        group.add_argument(
            f"--{name}", choices=choices, default=getattr(DEFAULT, name), help=f"default: {getattr(DEFAULT, name)}"
        )


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(**{name: getattr(args, name) for name in Settings.names() if hasattr(args, name)})


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="initlint", description="Finds Linear/Conv layers that keep torch's default init before an activation."
    )
    top.add_argument("--version", action="version", version=f"initlint {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="report findings (exit 1 when there are any)")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursing into *.py)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("-j", "--jobs", type=_jobs, default=None, help="worker processes (default: all cores)")
    add_settings(check)

    from .fix.command import add_fix_parser  # the fix front end owns its options

    add_settings(add_fix_parser(commands, _jobs))

    explain = commands.add_parser("explain", help="print a rule's documentation, or the gain table")
    explain.add_argument("code", nargs="?", help="a rule code, e.g. INI001")
    explain.add_argument("--gains", action="store_true", help="print the activation table with exact gains")
    explain.add_argument("--markdown", action="store_true", help="print every rule and the gains (docs/rules.md)")
    return top


def check(args: argparse.Namespace, settings: Settings) -> int:
    paths, results = split_errors(list(discover(args.paths)))
    results += list(run(check_file, paths, settings, args.jobs))
    results.sort(key=lambda r: r.path)
    write(results, args.format, sys.stdout)
    write_errors(results, sys.stderr)
    if any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(r.findings for r in results) else EXIT_CLEAN


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    settings = settings_from(args)
    try:
        if args.command == "check":
            return check(args, settings)
        if args.command == "fix":
            from .fix.command import fix

            return fix(args, settings)
        from .explain import explain

        return explain(args)
    except KeyboardInterrupt:
        sys.stderr.write("initlint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

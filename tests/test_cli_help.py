"""Every command has --help with an Examples block and is documented in README.md."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from geo.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,)


COMMANDS = list(_commands(main))


def test_the_expected_commands_exist():
    assert {" ".join(c) for c in COMMANDS} >= {
        "map", "export", "extract", "resolve", "gazetteer info", "gazetteer search"}


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_has_help_with_examples_and_is_in_readme(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.stdout
    assert f"incidentmap {' '.join(path)}" in result.stdout
    assert f"incidentmap {' '.join(path)}" in README

"""Every command has help text and a README entry."""
from pathlib import Path

from click.testing import CliRunner

from crosstally.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_command_has_help_and_a_readme_entry():
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"
        r = CliRunner().invoke(cli, [name, "--help"])
        assert r.exit_code == 0 and "Usage:" in r.output
        assert f"crosstally {name}" in README, f"README does not document `crosstally {name}`"


def test_readme_names_the_two_commands():
    assert "make demo" in README and "make test" in README

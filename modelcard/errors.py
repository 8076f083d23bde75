"""The one exception type for mistakes a user can fix (bad path, bad data, wrong flag).

The CLI turns a `UserError` into a single line on stderr and exit code 2, never a traceback,
so its message must say what is wrong *and* how to fix it.
"""


class UserError(Exception):
    """A problem caused by user input; `str(err)` is the one line shown to the user."""

    exit_code = 2


def read_user_text(path, if_missing: str) -> str:
    """Read a UTF-8 file the user pointed at; a missing or unreadable file becomes one line.

    `if_missing` is the whole message for a file that does not exist (it should say how to fix it).
    """
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(if_missing) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}; check the file and its permissions") from None


def read_user_yaml(path, if_missing: str, syntax_help: str) -> tuple[str, object]:
    """(text, parsed YAML) of a file the user pointed at; a missing file, or a YAML syntax error (with its line
    and column), becomes one line. `syntax_help` says where the format is described, e.g. "see docs/card-yaml.md"."""
    import yaml

    text = read_user_text(path, if_missing)
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1}: {getattr(exc, 'problem', '')})" if mark else ""
        raise UserError(f"{path} is not valid YAML{at}; fix the syntax ({syntax_help})") from None


class InconsistentCard(Exception):
    """`build` refused to write a set of files that contradict each other or the card's claims
    (`modelcard.consistency`); the CLI prints one line per violation and exits 1."""

    exit_code = 1

    def __init__(self, found: list):
        super().__init__(f"{len(found)} consistency violation(s)")
        self.violations = found  # consistency.Violation, each naming the invariant and both places

    def lines(self) -> list[str]:
        return [v.line() for v in self.violations]

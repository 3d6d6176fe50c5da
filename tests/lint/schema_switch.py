"""`make lint`: no schema switch outside tenants/ that ruff's banned-api rule cannot see.

Ruff (TID251, pyproject) bans the switching names wherever they resolve (`schema_context`,
`tenants.context.in_city`, `django.db.connection.set_tenant`, …). It cannot follow a connection
reached another way (`connections[alias].set_tenant(...)`, a local alias) nor raw SQL, so this
check flags, outside tenants/ and tests/, any call to `.set_tenant(`, `.set_schema(` or
`.set_schema_to_public(` and any string holding `SET search_path`. Comments do not count.

    python tests/lint/schema_switch.py [ROOT]   # exit status 1 and one line per offence
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where switching schema is the job (tenants/) or a fixture's set-up (tests/); never ours.
ALLOWED = ("tenants", "tests")
SKIPPED = {".git", ".venv", "var", "build", "node_modules", "migrations", "__pycache__"}
SWITCHES = {"set_tenant", "set_schema", "set_schema_to_public"}
RAW_SQL = re.compile(r"\bset\s+(local\s+)?search_path\b", re.IGNORECASE)
# Python 3.12 splits f-strings into parts; their text is FSTRING_MIDDLE.
TEXT = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def offences_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for each schema switch in one file's source."""
    found = []
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    code = [t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
    for before, token, after in zip(code, code[1:], code[2:], strict=False):
        if (
            token.type == tokenize.NAME
            and token.string in SWITCHES
            and before.string == "."
            and after.string == "("
        ):
            found.append((token.start[0], f".{token.string}(...)"))
    for token in tokens:
        if token.type in TEXT and RAW_SQL.search(token.string):
            found.append((token.start[0], "SET search_path in SQL"))
    return sorted(found)


def python_files(root: Path):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in ALLOWED or SKIPPED.intersection(parts) or parts[0].endswith(".egg-info"):
            continue
        yield path


def offences(root: Path = ROOT) -> list[str]:
    lines = []
    for path in python_files(root):
        for line, what in offences_in(path.read_text(encoding="utf-8")):
            rel = path.relative_to(root).as_posix()
            lines.append(f"{rel}:{line}: {what} switches schema outside tenants/")
    return lines


def main(argv: list[str]) -> int:
    found = offences(Path(argv[1]) if len(argv) > 1 else ROOT)
    for line in found:
        print(line)
    if found:
        print("Cross-city work goes through tenants.crosscity (run_in_each_city, ...).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""grlc's `#+ ` decorator lines, read with a parser for the small YAML subset they use.

PyYAML is not a dependency of the project, and decorators only ever hold
`key: scalar`, `key: [a, b]`, and `key:` followed by `- item` or `- name: value`
lines, so a dozen lines of parsing keep it that way.
"""

from __future__ import annotations

import re
from typing import Any

_KEY = re.compile(r"^([A-Za-z_][\w-]*):(?:\s+(.*))?$")


def decorator_lines(text: str) -> list[str]:
    """The `#+` lines at the top of a query file, without the marker."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip():
            break
    return lines


def parse(lines: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    key: str | None = None
    for line in lines:
        if not line.strip():
            continue
        if not line[0].isspace() and (match := _KEY.match(line.rstrip())):
            key, value = match.group(1), match.group(2)
            result[key] = scalar(value) if value else None
        elif key is not None and line.strip().startswith("- "):
            item = line.strip()[2:].strip()
            items = result[key] if isinstance(result[key], list) else []
            match = _KEY.match(item)
            items.append({match.group(1): scalar(match.group(2) or "")} if match else scalar(item))
            result[key] = items
        elif key is not None and (match := _KEY.match(line.strip())):
            mapping = result[key] if isinstance(result[key], dict) else {}
            mapping[match.group(1)] = scalar(match.group(2) or "")
            result[key] = mapping
        else:
            raise ValueError(f"cannot read decorator line {line!r}")
    return result


def scalar(value: str) -> Any:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [scalar(part) for part in value[1:-1].split(",") if part.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value

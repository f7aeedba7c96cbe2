"""One declarative reader for edgeq's TOML data files (boards, phones): typed keys, required or optional,
every error naming the file, the dotted key and the schema's documentation, unknown keys refused."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from edgeq.errors import EdgeqError


class TomlReader:
    """Typed access to one TOML table; every error names the file and the dotted key, and the hint names the
    schema's documentation (`doc`). `done()` refuses keys the schema does not know."""

    def __init__(self, path: Path, table: dict[str, Any], prefix: str = "",
                 doc: str = "devices/README.md for the board schema"):
        self.path = path
        self.table = table
        self.prefix = prefix
        self.doc = doc
        self.used: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, problem: str, hint: str = "") -> EdgeqError:
        return EdgeqError(
            f"{self.path}: key '{self._key(key)}' {problem}",
            hint or f"see {self.doc}",
        )

    def _get(self, key: str, kinds: tuple[type, ...], kind_name: str, required: bool) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                raise self.error(key, "is missing")
            return None
        value = self.table[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(key, f"must be {kind_name}, got {value!r}")
        if not isinstance(value, kinds):
            raise self.error(key, f"must be {kind_name}, got {type(value).__name__} {value!r}")
        return value

    def str(self, key: str, required: bool = True, choices: tuple[str, ...] | None = None) -> Any:
        value = self._get(key, (str,), "a string", required)
        if value is not None and choices is not None and value not in choices:
            raise self.error(key, f"is {value!r}; expected one of: {', '.join(choices)}")
        if value is not None and not value.strip():
            raise self.error(key, "is empty")
        return value

    def int(self, key: str, required: bool = True, minimum: int = 0) -> Any:
        value = self._get(key, (int,), "an integer", required)
        if value is not None and value < minimum:
            raise self.error(key, f"is {value}; must be >= {minimum}")
        return value

    def u32(self, key: str, required: bool = False) -> Any:
        value = self._get(key, (int,), "an integer", required)
        if value is not None and not 0 <= value <= 0xFFFFFFFF:
            raise self.error(key, f"is {value:#x}; must fit in 32 bits")
        return value

    def float(self, key: str, required: bool = True) -> Any:
        value = self._get(key, (int, float), "a number", required)
        if value is not None and value <= 0:
            raise self.error(key, f"is {value}; must be > 0")
        return None if value is None else float(value)

    def bool(self, key: str) -> bool:
        value = self._get(key, (bool,), "true or false", False)
        return bool(value)

    def table_(self, key: str, required: bool = True) -> "TomlReader | None":
        value = self._get(key, (dict,), "a table", required)
        return None if value is None else TomlReader(self.path, value, f"{self._key(key)}.", self.doc)

    def str_list(self, key: str) -> tuple[str, ...]:
        value = self._get(key, (list,), "a list of strings", False) or []
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return tuple(value)

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.error(unknown[0], "is not part of the schema", f"check the spelling against {self.doc}")

"""Which files of a build context a build reads: the ignore file and its patterns, as docker-build applies them.

pulumi-docker-build 0.0.22 (``provider/internal/context.go``, ``getIgnorePatterns``) reads
``<Dockerfile>.dockerignore`` when it exists, else ``<context>/.dockerignore``, parses it with
moby/patternmatcher's ``ignorefile.ReadAll`` and hands the patterns to fsutil's filter, which leaves a file
out when ``PatternMatcher.MatchesOrParentMatches`` says so. Ported from moby/patternmatcher
(``patternmatcher.go``, ``Pattern.compile`` and ``match``; ``ignorefile/ignorefile.go``).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Regex specials that are plain characters in filepath.Match (patternmatcher's shouldEscape).
_ESCAPED = frozenset(".+()|{}$")


def read_patterns(text: str) -> list[str]:
    """``ignorefile.ReadAll``: no BOM, no ``#`` comment lines, trimmed, cleaned, no leading ``/``; ``!`` kept."""
    patterns = []
    for line in text.removeprefix("\ufeff").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        pattern = line.strip()
        invert = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip()
        if pattern:
            pattern = _clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def ignore_file(context: Path, dockerfile: str) -> Path | None:
    """The ignore file docker-build reads: ``<Dockerfile>.dockerignore`` first, then the context's."""
    for path in (context / f"{dockerfile}.dockerignore", context / ".dockerignore"):
        if path.is_file():
            return path
    return None


@dataclass(frozen=True)
class _Pattern:
    kind: str  # exact | prefix | suffix | regexp, as patternmatcher's matchType
    text: str
    regexp: re.Pattern[str] | None
    exclusion: bool

    @classmethod
    def compile(cls, pattern: str) -> _Pattern:
        """``New`` (clean, ``!``) then ``Pattern.compile``: the pattern as a regexp, or a cheaper match kind."""
        exclusion = pattern.startswith("!")
        text = _clean(pattern.removeprefix("!"))
        regex, kind, i = "^", "exact", 0
        while i < len(text):
            start, ch = i, text[i]
            i += 1
            if text.startswith("**", start):
                i += 1 + (text[i + 1 : i + 2] == "/")  # **/ is **
                if i == len(text):  # a trailing ** accepts all, as .gitignore does
                    kind, regex = ("prefix", regex) if kind == "exact" else ("regexp", regex + ".*")
                else:
                    kind, regex = "regexp", regex + "(.*/)?"
                kind = "suffix" if start == 0 else kind
            elif ch == "*":
                kind, regex = "regexp", regex + "[^/]*"
            elif ch == "?":
                kind, regex = "regexp", regex + "[^/]"
            elif ch in _ESCAPED:
                regex += "\\" + ch
            elif ch == "\\" and i < len(text):
                kind, regex = "regexp", regex + "\\" + text[i]
                i += 1
            elif ch == "\\":
                regex += "\\\\"
            else:
                kind = "regexp" if ch in "[]" else kind
                regex += ch  # as patternmatcher: other characters go into the regexp as they are
        return cls(kind, text, re.compile(regex + r"\Z") if kind == "regexp" else None, exclusion)

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regexp is not None
        return self.regexp.search(path) is not None


def _clean(path: str) -> str:
    """Go's ``filepath.Clean`` on a slash path (``posixpath.normpath`` keeps a leading ``//``)."""
    cleaned = posixpath.normpath(path)
    return cleaned[1:] if cleaned.startswith("//") else cleaned


@functools.cache
def _compiled(pattern: str) -> _Pattern:
    return _Pattern.compile(pattern)


def is_ignored(path: str, patterns: list[str]) -> bool:
    """``MatchesOrParentMatches``: the last pattern matching ``path`` or a directory above it decides."""
    parent = _clean(posixpath.dirname(path))  # Go's filepath.Dir
    parents = parent.split("/") if parent != "." else []
    matched = False
    for pattern in map(_compiled, patterns):
        if pattern.exclusion != matched:
            continue
        match = pattern.match(path) or any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
        if match:
            matched = not pattern.exclusion
    return matched


def context_files(context: Path, dockerfile: str) -> Iterator[Path]:
    """Every file of ``context`` the build reads, in a stable order."""
    ignore = ignore_file(context, dockerfile)
    patterns = read_patterns(ignore.read_text()) if ignore else []
    # Without a "!" exception nothing below an ignored directory can come back: fsutil skips it too.
    prune = not any(pattern.startswith("!") for pattern in patterns)
    for root, dirs, files in os.walk(context):
        relative = Path(root).relative_to(context)
        dirs[:] = sorted(d for d in dirs if not (prune and is_ignored((relative / d).as_posix(), patterns)))
        for name in sorted(files):
            path = Path(root, name)
            if not is_ignored(path.relative_to(context).as_posix(), patterns):
                yield path

"""The build reads exactly the files docker-build sends: moby/patternmatcher's own cases, its ignore-file
parser, and docker-build's choice of ignore file (components/image/dockerignore.py)."""

from pathlib import Path

import pytest

from tests.models.dockerignore import context_files, ignore_file, is_ignored, read_patterns

#: moby/patternmatcher ``patternmatcher_test.go``, ``TestMatches`` (its non-Windows case last), as
#: ``MatchesOrParentMatches`` answers them: (pattern, path, ignored).
SINGLE = [
    ("**", "file", True),
    ("**", "file/", True),
    ("**/", "file", True),
    ("**/", "file/", True),
    ("**", "/", True),
    ("**/", "/", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**", "dir/file/", True),
    ("**/", "dir/file/", True),
    ("**/**", "dir/file", True),
    ("**/**", "dir/file/", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True),
    ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("a\\\\", "a\\", True),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def", True),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        True,
    ),
    ("a\\*b", "a*b", True),
]
#: ``TestMatches``'s multi-pattern cases: an exception (``!``) after an exclusion, and one after that.
MULTI = [
    (("**", "!util/docker/web"), "util/docker/web/foo", False),
    (("**", "!util/docker/web", "util/docker/web/foo"), "util/docker/web/foo", True),
    (
        ("**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"),
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        False,
    ),
    (("**", "!dist/*.whl"), "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
]


@pytest.mark.parametrize(("pattern", "path", "ignored"), SINGLE)
def test_each_pattern_matches_as_patternmatcher_does(pattern: str, path: str, ignored: bool) -> None:
    assert is_ignored(path, [pattern]) is ignored


@pytest.mark.parametrize(("patterns", "path", "ignored"), MULTI)
def test_the_last_matching_pattern_decides(patterns: tuple[str, ...], path: str, ignored: bool) -> None:
    assert is_ignored(path, list(patterns)) is ignored


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        (["docs", "!docs/README.md"], "docs/README.md", False),
        (["docs/", "!docs/README.md"], "docs/README.md", False),
        (["docs/*", "!docs/README.md"], "docs/README.md", False),
        (["!fileutils.go", "*.go"], "fileutils.go", True),
        (["*.go", "!fileutils.go"], "fileutils.go", False),
    ],
)
def test_an_exception_after_a_folder_keeps_its_file(patterns: list[str], path: str, ignored: bool) -> None:
    """patternmatcher_test.go's folder and exception cases (``TestPatternMatchesFolder*``, ``TestExclusion*``)."""
    assert is_ignored(path, patterns) is ignored


def test_the_ignore_file_is_read_as_ignorefile_reads_it() -> None:
    """ignorefile_test.go ``TestReadAll``: comments and blank lines go, a leading / goes, ``!`` stays."""
    text = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! "
    assert read_patterns(text) == ["test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "!", "!"]


def test_a_dockerfiles_own_ignore_file_wins_over_the_contexts(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("*.md\n")
    assert ignore_file(tmp_path, "Dockerfile") == tmp_path / ".dockerignore"
    (tmp_path / "Dockerfile.dockerignore").write_text("app/test\n")
    assert ignore_file(tmp_path, "Dockerfile") == tmp_path / "Dockerfile.dockerignore"
    assert ignore_file(tmp_path, "Dockerfile.graviton") == tmp_path / ".dockerignore"


def test_the_projects_context_leaves_out_tests_docs_and_installed_modules() -> None:
    docker = Path(__file__).resolve().parents[2] / "docker"
    read = {path.relative_to(docker).as_posix() for path in context_files(docker, "Dockerfile")}
    assert "app/server.js" in read and "Dockerfile.graviton" in read and ".dockerignore" in read
    assert not [path for path in read if path.startswith(("app/test/", "app/node_modules/")) or path.endswith(".md")]

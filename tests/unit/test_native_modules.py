"""The contract's native-module point: every ``.node`` file an image's Node may load is an ELF for the
platform's CPU, read from the image's files (fake bytes here, no engine), node-gyp-build's prebuilt
binaries for other platforms left aside as it never loads them."""

import io
import os
import stat
import tarfile
from pathlib import Path

import pytest

from tools import check_image
from tools.image_build import exported_files, layer_files
from tools.native_modules import elf_machine, foreign_modules, loadable

EM_AARCH64, EM_X86_64 = 183, 62
MODULE = "app/node_modules/bcrypt/build/Release/bcrypt_lib.node"


def elf(machine: int, byte_order: int = 1) -> bytes:
    """The first bytes of a 64-bit ELF shared object for ``machine`` (System V ABI, ELF header)."""
    order = "little" if byte_order == 1 else "big"
    return b"\x7fELF" + bytes([2, byte_order, 1]) + bytes(9) + (3).to_bytes(2, order) + machine.to_bytes(2, order)


def layer(files: dict[str, bytes]) -> bytes:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for path, data in files.items():
            member = tarfile.TarInfo(path)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return archive.getvalue()


class Stream(io.RawIOBase):
    """A pipe: read only, no seek, as ``docker export`` hands its tar over."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_the_elf_machine_is_read_in_the_byte_order_the_header_names() -> None:
    assert elf_machine(elf(EM_AARCH64)) == 0xB7 and elf_machine(elf(EM_X86_64, byte_order=2)) == 0x3E
    assert elf_machine(b"#!/bin/sh\n" + bytes(20)) is None and elf_machine(b"\x7fELF") is None


@pytest.mark.parametrize(("platform", "own", "other"), [("linux/arm64", EM_AARCH64, EM_X86_64),
                                                        ("linux/amd64", EM_X86_64, EM_AARCH64)])  # fmt: skip
def test_a_module_for_the_platforms_cpu_passes_and_one_for_another_is_named(
    platform: str, own: int, other: int
) -> None:
    files = {MODULE: elf(own), "app/node_modules/x/build/Release/x.node": elf(other), "app/lib.js": b"no ELF"}
    kind = {EM_AARCH64: "aarch64 ELF", EM_X86_64: "x86-64 ELF"}[other]
    assert foreign_modules(files, platform) == {"app/node_modules/x/build/Release/x.node": kind}


def test_a_node_file_that_is_no_elf_file_is_named() -> None:
    assert foreign_modules({MODULE: b"not a shared object"}, "linux/arm64") == {MODULE: "not an ELF file"}


@pytest.mark.parametrize(
    ("folder", "loaded"),
    [
        ("linux-arm64", True),
        ("linux-x64+arm64", True),
        ("linux-x64", False),
        ("darwin-arm64", False),
        ("linux-arm64-musl", False),  # parseTuple wants exactly one "-"
    ],
)
def test_node_gyp_build_loads_a_prebuilt_binary_only_from_the_folder_of_the_platform(folder: str, loaded: bool) -> None:
    assert loadable(f"app/node_modules/bcrypt/prebuilds/{folder}/bcrypt.node", "linux/arm64") is loaded


def test_prebuilt_binaries_for_other_platforms_are_left_aside_but_a_wrong_one_for_the_platform_is_named() -> None:
    files = {
        "app/node_modules/a/prebuilds/linux-x64/a.glibc.node": elf(EM_X86_64),
        "app/node_modules/a/prebuilds/darwin-arm64/a.node": b"\xcf\xfa\xed\xfe Mach-O",
        "app/node_modules/a/prebuilds/linux-arm64/a.musl.node": elf(EM_X86_64),
    }
    assert foreign_modules(files, "linux/arm64") == {
        "app/node_modules/a/prebuilds/linux-arm64/a.musl.node": "x86-64 ELF"
    }


def test_layers_are_read_from_a_stream_and_a_later_layers_whiteouts_remove_earlier_files() -> None:
    first = layer({MODULE: elf(EM_X86_64), "app/node_modules/gone/x.node": b"", "app/old/y.node": b""})
    second = layer({"app/node_modules/.wh.gone": b"", "app/old/.wh..wh..opq": b"", MODULE: elf(EM_AARCH64)})
    assert layer_files([io.BufferedReader(Stream(first)), io.BufferedReader(Stream(second))], (".node",)) == {
        MODULE: elf(EM_AARCH64)
    }


@pytest.fixture
def fake_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``docker`` on PATH that creates container "c1", exports ``export.tar`` for it and logs its calls."""
    script = tmp_path / "docker"
    script.write_text(
        f'#!/bin/sh\necho "$*" >>{tmp_path}/calls\n'
        f'case "$1" in create) echo c1 ;; export) cat {tmp_path}/export.tar ;; esac\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def test_an_images_files_are_read_from_a_container_created_never_started_then_removed(fake_docker: Path) -> None:
    (fake_docker / "export.tar").write_bytes(layer({MODULE: elf(EM_AARCH64), "app/server.js": b""}))
    assert exported_files("ref", "linux/arm64", (".node",)) == {MODULE: elf(EM_AARCH64)}
    calls = (fake_docker / "calls").read_text().splitlines()
    assert calls == ["create --platform linux/arm64 ref unused", "export c1", "rm c1"]


def test_the_checklist_fails_an_image_with_an_x86_module_and_names_it(fake_docker: Path) -> None:
    (fake_docker / "export.tar").write_bytes(layer({MODULE: elf(EM_X86_64)}))
    what, passed, detail = check_image.native_modules_point("ref", "linux/arm64")
    assert (what, passed, detail) == (
        "every native module (.node, 1 found) is built for linux/arm64",
        False,
        f"{MODULE}: x86-64 ELF",
    )

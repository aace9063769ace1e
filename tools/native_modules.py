"""Which native modules (``.node`` files) of an image its platform could be asked to load and cannot.

A ``.node`` file is a shared object Node loads with ``dlopen``, often lazily on the first request that
needs it: one built for another CPU passes every check that does not load it and fails on ECS. Its CPU is
the ELF header's ``e_machine`` (System V ABI, "ELF Header": a 2-byte field at offset 18, in the byte order
``EI_DATA`` names at offset 5); glibc ``elf.h``: ``EM_AARCH64 183`` (0xB7), ``EM_X86_64 62`` (0x3E).

node-gyp-build (4.8.4, ``node-gyp-build.js``), which bcrypt and many others load through, picks a prebuilt
binary only from ``prebuilds/<platform>-<arch>[+<arch>...]/`` (``parseTuple``: exactly one ``-``) whose
platform is the running one and whose arch list holds ``process.arch`` (``matchTuple``); the folders of
other platforms it ships are never loaded, so they are no fault of the image.
"""

from __future__ import annotations

#: The ELF machine each platform's Node loads (glibc elf.h).
ELF_MACHINES = {"linux/arm64": 183, "linux/amd64": 62}
#: Node's ``process.arch`` on each platform, which node-gyp-build matches a prebuilds folder against.
NODE_ARCHES = {"linux/arm64": "arm64", "linux/amd64": "x64"}
MACHINE_NAMES = {183: "aarch64", 62: "x86-64"}


def elf_machine(data: bytes) -> int | None:
    """``e_machine`` of an ELF file; None when ``data`` is no ELF file."""
    if data[:4] != b"\x7fELF" or len(data) < 20 or data[5] not in (1, 2):
        return None
    return int.from_bytes(data[18:20], "little" if data[5] == 1 else "big")


def loadable(path: str, platform: str) -> bool:
    """False for a file in a prebuilds folder node-gyp-build never loads on ``platform``."""
    parts = path.split("/")
    if len(parts) < 3 or parts[-3] != "prebuilds":
        return True
    os_name, *arches = parts[-2].split("-")
    if len(arches) != 1:
        return False
    return os_name == platform.split("/")[0] and NODE_ARCHES[platform] in arches[0].split("+")


def foreign_modules(files: dict[str, bytes], platform: str) -> dict[str, str]:
    """``{path: what it is}`` for each ``.node`` file of ``files`` that ``platform`` may load but that is no
    ELF file for its CPU."""
    foreign = {}
    for path, data in files.items():
        machine = elf_machine(data)
        if path.endswith(".node") and loadable(path, platform) and machine != ELF_MACHINES[platform]:
            foreign[path] = (
                "not an ELF file" if machine is None else f"{MACHINE_NAMES.get(machine, f'e_machine {machine}')} ELF"
            )
    return foreign

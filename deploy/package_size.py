"""The size of the deployment package that ``osls package`` wrote: each zip, and the total
Lambda counts against its limit.

    python deploy/package_size.py [PACKAGE_DIR]      # default: build/package

Prints one line per zip (zipped and unzipped size, files) and the total unzipped size of a
function with its layer, which Lambda caps at 250 MB; exits 1 above it. Writes the figures to
``PACKAGE_DIR/sizes.json`` too.
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # a function and all its layers, unzipped
MB = 1024 * 1024


@dataclass(frozen=True)
class Artifact:
    name: str
    zipped: int
    unzipped: int
    files: int


def measure(path: Path) -> Artifact:
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
    return Artifact(path.name, path.stat().st_size, sum(i.file_size for i in infos), len(infos))


def measure_package(directory: Path) -> dict[str, Artifact]:
    """``function`` (the service's zip) and ``layer`` (deps.zip), by what osls names them."""
    zips = {p.name: p for p in directory.glob("*.zip")}
    assert "deps.zip" in zips, f"{directory}: no deps.zip (the dependency layer)"
    functions = [p for name, p in zips.items() if name != "deps.zip"]
    assert len(functions) == 1, f"{directory}: expected one function zip, found {functions}"
    return {"function": measure(functions[0]), "layer": measure(zips["deps.zip"])}


def report(sizes: dict[str, Artifact]) -> tuple[str, bool]:
    lines = ["Deployment package (osls package):"]
    for role, artifact in sizes.items():
        lines.append(
            f"  {role:<8} {artifact.name:<24} {artifact.zipped / MB:6.2f} MB zipped, "
            f"{artifact.unzipped / MB:6.2f} MB unzipped, {artifact.files:5d} files"
        )
    total = sum(a.unzipped for a in sizes.values())
    within = total <= LAMBDA_UNZIPPED_LIMIT
    lines.append(
        f"  function + layer unzipped: {total / MB:.2f} MB of Lambda's "
        f"{LAMBDA_UNZIPPED_LIMIT // MB} MB{'' if within else '  <-- OVER THE LIMIT'}"
    )
    return "\n".join(lines), within


def main(argv: list[str]) -> int:
    directory = Path(argv[1] if len(argv) > 1 else "build/package")
    sizes = measure_package(directory)
    text, within = report(sizes)
    print(text)
    (directory / "sizes.json").write_text(
        json.dumps({role: asdict(a) for role, a in sizes.items()}, indent=2) + "\n"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

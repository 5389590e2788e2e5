"""Solara's front-end files, for machines that cannot reach its CDN.

A Solara page loads its JavaScript and CSS (the Vuetify app, RequireJS, Font Awesome)
through the server, which fetches them once from ``cdn.jsdelivr.net`` and keeps them in
its cache (``<venv>/share/solara/cdn``). Where that CDN cannot be reached (a firewalled
classroom, a CI machine that reaches package registries only), the page stays blank.
The same files are the npm packages the CDN serves, so this module fills the cache from
the npm registry with ``npm pack``::

    .venv/bin/python -m sim.dashboard.assets        # once; then python -m sim.app

It does nothing for packages already in the cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

_TEMPLATE_PACKAGE = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.+-]*)/")
_PATH_PACKAGE = re.compile(r"^/?((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.+-]*)/")


def cache_dir() -> Path:
    """Where the Solara server looks for CDN files (``SOLARA_ASSETS_PROXY_CACHE_DIR``)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def needed_packages() -> list[str]:
    """The npm packages (``name@version``) the page loads: those of Solara's page template
    for the installed Vue version, and Font Awesome."""
    import ipyvue
    import solara.server
    from solara.server import settings

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    vue3 = ipyvue.__version__.startswith("3")
    found = []
    for name, version in _TEMPLATE_PACKAGE.findall(template.read_text(encoding="utf-8")):
        if "solara-vuetify" in name and ("vuetify3" in name) != vue3:
            continue
        found.append(f"{name}@{version}")
    fontawesome = _PATH_PACKAGE.match(settings.assets.fontawesome_path)
    if settings.assets.fontawesome_enabled and fontawesome:
        found.append("@".join(fontawesome.groups()))
    return list(dict.fromkeys(found))


def missing_packages(directory: Path | None = None) -> list[str]:
    """The needed packages not in the cache yet."""
    directory = cache_dir() if directory is None else directory
    return [spec for spec in needed_packages() if not (directory / spec / "package.json").exists()]


def fetch(spec: str, directory: Path, timeout: float = 300) -> Path:
    """Unpack npm package ``spec`` (``name@version``) into ``directory/spec`` with ``npm pack``.

    Raises:
        RuntimeError: npm is missing or failed.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (apt-get install npm)")
    target = directory / spec
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                                capture_output=True, text=True, timeout=timeout, check=False)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack {spec} failed: {result.stderr.strip()[-500:]}")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(unpacked, filter="data")
        staging = directory / f".{spec.replace('/', '_')}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(unpacked / "package"), staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


def ensure(directory: Path | None = None) -> list[str]:
    """Fetch every missing package into the cache; return those fetched."""
    directory = cache_dir() if directory is None else directory
    fetched = []
    for spec in missing_packages(directory):
        fetch(spec, directory)
        fetched.append(spec)
    return fetched


def main() -> int:
    directory = cache_dir()
    try:
        fetched = ensure(directory)
    except (RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"Solara's assets in {directory}: "
          + (f"fetched {', '.join(fetched)}" if fetched else "all there already"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How the install routes of native npm packages read ``npm_config_build_from_source``.

npm hands every config to an install script as ``npm_config_<name>`` in its environment (``--build-from-source``
on the command line gives ``"true"``); an ``ENV`` or ``ARG`` of a Dockerfile reaches it the same way. Each
route decides by that value alone whether to take its prebuilt binary or compile:

- sharp 0.34.5, install script ``node install/check.js || npm run build``; ``install/check.js``:
  ``if (useGlobalLibvips() || process.env.npm_config_build_from_source) process.exit(1)``: any non-empty
  value builds from source (node-gyp, node-addon-api and libvips for the target) instead of taking the
  ``@img/sharp-<platform>`` package npm installed.
- prebuild-install 7.1.3 ``rc.js`` (line 26), the route of canvas 3.2.3 and better-sqlite3 12.11.1
  (``prebuild-install ... || node-gyp rebuild``): ``buildFromSource === pkg.name || buildFromSource === 'true'``.
- @mapbox/node-pre-gyp ``lib/install.js`` (``install``): ``source_build === package_json.name ||
  source_build === true || source_build === 'true'``.
- node-gyp-build 4.8.4 ``bin.js`` (``buildFromSource``), the route of bcrypt 6.0.0 and argon2 0.44.0 (install
  script ``node-gyp-build``): ``process.env.npm_config_build_from_source === 'true'``, never a name.
"""

from __future__ import annotations

from collections.abc import Callable

#: The environment variable npm sets for the ``build-from-source`` config.
VARIABLE = "npm_config_build_from_source"

#: Whether a route builds ``package`` from source when the variable is ``value`` (None: unset).
ROUTES: dict[str, Callable[[str, str | None], bool]] = {
    "sharp install/check.js": lambda package, value: bool(value),
    "prebuild-install": lambda package, value: value in (package, "true"),
    "node-pre-gyp": lambda package, value: value in (package, "true"),
    "node-gyp-build": lambda package, value: value == "true",
}

#: Each package's route, from its ``scripts.install``.
PACKAGES = {
    "sharp": "sharp install/check.js",
    "canvas": "prebuild-install",
    "better-sqlite3": "prebuild-install",
    "bcrypt": "node-gyp-build",
    "argon2": "node-gyp-build",
}


def builds_from_source(package: str, value: str | None) -> bool:
    """Whether ``package``'s install compiles instead of taking its prebuilt binary, with the variable at
    ``value``."""
    return ROUTES[PACKAGES[package]](package, value)

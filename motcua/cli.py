"""The ``motcua`` console script: a thin wrapper around Django's management commands.

``motcua import-units`` runs the ``import_units`` command, ``motcua calendar due …`` the
``calendar`` command with its sub-command, and so on. Settings come from the environment;
``var/motcua.env`` (written by ``motcua demo`` for the demo only) fills in what is unset.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines into the environment without overriding what is already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip())


def ensure_demo_env(path: Path) -> None:
    """For the demo only: create var/motcua.env with a fresh secret key and demo password."""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if "MOTCUA_SIGNING_DEMO_CA=" not in text:  # a demo set up before slips were signed
            path.write_text(text.rstrip("\n") + "\nMOTCUA_SIGNING_DEMO_CA=1\n", encoding="utf-8")
        return
    import base64
    import secrets

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(
        "# Written by `motcua demo` for the demo only. Production installs set their own environment.\n"
        f"MOTCUA_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"MOTCUA_DEMO_PASSWORD=demo-{secrets.token_hex(4)}\n"
        f"MOTCUA_FACE_KEY={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}\n"
        # The demo CA issues a signing certificate to any agency that lacks one (never in production).
        "MOTCUA_SIGNING_DEMO_CA=1\n",
        encoding="utf-8",
    )
    path.chmod(0o600)


def _var_dir() -> Path:
    home = Path(os.environ.get("MOTCUA_HOME", Path(__file__).resolve().parent.parent))
    return Path(os.environ.get("MOTCUA_VAR_DIR", home / "var"))


def main(argv: list[str] | None = None, *, django_style: bool = False) -> int:
    args = list(sys.argv if argv is None else argv)
    # Everything this process writes under var/ (database, scans, keys, logs) is private.
    os.umask(0o077)
    env_file = _var_dir() / "motcua.env"
    if len(args) > 1 and args[1] == "demo":
        ensure_demo_env(env_file)
    load_env_file(env_file)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    if not django_style and len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    if len(args) == 1:
        args.append("help")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *args[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())

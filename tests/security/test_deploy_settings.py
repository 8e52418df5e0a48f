"""`manage.py check --deploy` with the production settings of .env.example warns of nothing."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip()
    return values


def test_check_deploy_is_silent_with_the_production_settings_of_env_example(tmp_path):
    production = _env_example()
    assert production["SECRET_KEY"].startswith("change-me")  # a placeholder, so:
    production["SECRET_KEY"] = secrets.token_urlsafe(50)
    production.update(WOTUM_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"))
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**keep, **production}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout

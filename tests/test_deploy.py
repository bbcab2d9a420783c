"""Raspberry Pi deployment (issue 5, part 6): deploy/install.sh, the systemd unit, the config file.

Needs Debian's ``systemd`` package (for ``systemd-analyze``; systemd need not be running) and,
for the lint check, ``shellcheck``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT, Settings, load_settings
from kiosk.volunteer import VolunteerAccess

DEPLOY = PROJECT_ROOT / "deploy"
INSTALL = DEPLOY / "install.sh"
UNIT_NAME = "community-skills-kiosk.service"
UNIT = DEPLOY / UNIT_NAME
EXAMPLE = DEPLOY / "kiosk.toml.example"
APP_DIR = "/opt/community-skills-kiosk"
CONFIG_FILE = "/etc/community-skills-kiosk/kiosk.toml"
STATE_DIR = "/var/lib/community-skills-kiosk"
# Settings a deployment never sets in kiosk.toml: where the kiosk keeps its data (KIOSK_HOME,
# set by the unit) and the folders that ship with the program.
NOT_IN_CONFIG_FILE = {"home", "assets_dir", "locales_dir"}


def unit_settings(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) for every setting line of a unit file, in order."""
    section, out = "", []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.append((section, key.strip(), value.strip()))
    return out


# --- the systemd unit -----------------------------------------------------------------------


def systemd_analyze_verify(unit_text: str, tmp_path: Path) -> str:
    """Run ``systemd-analyze verify`` on ``unit_text``; return every line it said about the unit.

    Works as root in a container without a running systemd. The program in ExecStart must exist
    for verify to pass, so it is swapped for this Python; everything else is checked as shipped.
    systemd-analyze exits 0 even for unknown keys and bad values (it only warns), so the
    warnings that name the unit file are what counts.
    """
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.fail("systemd-analyze is missing: install the Debian package 'systemd' "
                    "(apt-get install systemd; it need not be running)")
    folder = tmp_path / "unit"
    folder.mkdir()
    unit = folder / UNIT_NAME
    unit.write_text(unit_text.replace(f"{APP_DIR}/.venv/bin/python", sys.executable), "utf-8")
    env = {**os.environ, "SYSTEMD_LOG_LEVEL": "notice", "SYSTEMD_PAGER": "", "LC_ALL": "C"}
    result = subprocess.run([exe, "verify", "--man=no", str(unit)], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=120)
    said = [line for line in (result.stdout + result.stderr).splitlines() if UNIT_NAME in line]
    if result.returncode != 0:
        said.append(f"systemd-analyze exited with {result.returncode}: {result.stderr.strip()}")
    return "\n".join(said)


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    problems = systemd_analyze_verify(UNIT.read_text("utf-8"), tmp_path)
    assert problems == "", f"systemd-analyze verify {UNIT_NAME}:\n{problems}"


def test_verify_really_catches_mistakes(tmp_path: Path) -> None:
    """The check above would notice a typo: it is not a test that always passes."""
    broken = UNIT.read_text("utf-8").replace("Restart=always", "Restart=allways")
    broken = broken.replace("RestartSec=", "RestartSecs=")
    problems = systemd_analyze_verify(broken, tmp_path)
    assert "allways" in problems and "RestartSecs" in problems, problems


def test_unit_restarts_and_runs_the_kiosk_as_its_own_user() -> None:
    settings = unit_settings(UNIT.read_text("utf-8"))
    service = {key: value for section, key, value in settings if section == "Service"}
    assert service["Restart"] == "always"
    assert float(service["RestartSec"]) > 0
    assert ("Unit", "StartLimitIntervalSec", "0") in settings  # never stops retrying
    assert service["User"] == "kiosk"
    assert service["ExecStart"].split()[:2] == [f"{APP_DIR}/.venv/bin/python", f"{APP_DIR}/main.py"]
    assert ("Install", "WantedBy", "multi-user.target") in settings
    # The screen, touchscreen and sound devices must stay visible to the kiosk.
    assert "PrivateDevices" not in service
    assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "yes"


def test_full_screen_settings_live_only_in_the_config_file() -> None:
    """The unit sets where the data lives, never a setting: those are all in kiosk.toml."""
    settings = unit_settings(UNIT.read_text("utf-8"))
    environment = [value for _, key, value in settings if key == "Environment"]
    kiosk_vars = sorted(v.split("=", 1)[0] for v in environment if v.startswith("KIOSK_"))
    assert kiosk_vars == ["KIOSK_HOME"]
    assert f"KIOSK_HOME={STATE_DIR}" in environment
    assert not [key for _, key, _ in settings if key == "EnvironmentFile"]
    # StateDirectory= is the folder KIOSK_HOME names, private to the kiosk.
    service = {key: value for section, key, value in settings if section == "Service"}
    assert f"/var/lib/{service['StateDirectory']}" == STATE_DIR
    assert service["StateDirectoryMode"] == "0700"


# --- the config file ------------------------------------------------------------------------


def documented_keys(text: str) -> tuple[set[str], set[str]]:
    """Keys set in the example, and keys shown only as a commented-out line (``# key = ...``)."""
    active = set(tomllib.loads(text))
    commented = set(re.findall(r"^#\s*([a-z_]+)\s*=", text, flags=re.MULTILINE))
    return active, commented


def test_example_config_parses_and_uses_only_real_settings(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shutil.copy(EXAMPLE, tmp_path / "kiosk.toml")
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        settings = load_settings(environ={"KIOSK_HOME": str(tmp_path)})
    assert [r.getMessage() for r in caplog.records] == []
    active, commented = documented_keys(EXAMPLE.read_text("utf-8"))
    known = {f.name for f in fields(Settings)}
    assert active | commented <= known, f"not settings: {(active | commented) - known}"
    example = tomllib.loads(EXAMPLE.read_text("utf-8"))
    for key, value in example.items():
        assert getattr(settings, key) == value, key
    assert settings.fullscreen is True


def test_every_setting_is_documented_in_the_config_file() -> None:
    """A new setting in kiosk/config.py must be explained in deploy/kiosk.toml.example."""
    active, commented = documented_keys(EXAMPLE.read_text("utf-8"))
    wanted = {f.name for f in fields(Settings)} - NOT_IN_CONFIG_FILE
    assert wanted <= active | commented, (
        f"add to deploy/kiosk.toml.example, with a comment: {sorted(wanted - active - commented)}")


# --- the install script ---------------------------------------------------------------------


def tree_digest(root: Path) -> dict[str, str]:
    """Every path under ``root`` with its type, mode and content (or link target)."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        mode = stat.S_IMODE(info.st_mode)
        if path.is_symlink():
            out[str(path.relative_to(root))] = f"link {os.readlink(path)}"
        elif path.is_dir():
            out[str(path.relative_to(root))] = f"dir {mode:o}"
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(root))] = f"file {mode:o} {digest}"
    return out


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A root folder to install into, and a PATH on which system tools only record their call."""
    root = tmp_path / "root"
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    calls = tmp_path / "calls.log"
    for tool in ("apt-get", "dpkg-query", "useradd", "usermod", "systemctl", "chown", "pip",
                 "udevadm", "systemd-mount"):
        stub = stubs / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\nexit 1\n', "utf-8")
        stub.chmod(0o755)
    # The kiosk's own Python sets the volunteer PIN (in --root mode the installer makes no venv).
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}",
           "KIOSK_INSTALL_PYTHON": sys.executable}
    env.pop("KIOSK_VOLUNTEER_PIN", None)
    return root, env, calls


def install(root: Path, env: dict[str, str]) -> str:
    result = subprocess.run(["bash", str(INSTALL), "--root", str(root)], env=env,
                            capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)  # nobody at the keyboard
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_install_twice_changes_nothing_the_second_time(
        sandbox: tuple[Path, dict[str, str], Path]) -> None:
    root, env, calls = sandbox
    first = install(root, env)
    assert "[done]" in first
    after_first = tree_digest(root)
    second = install(root, env)
    assert "Nothing changed" in second, second
    assert "[done]" not in second, second
    assert tree_digest(root) == after_first
    # Only the sandbox was touched: no package manager, account or service manager was called.
    assert not calls.exists(), calls.read_text()

    # What was installed.
    config = root / CONFIG_FILE.lstrip("/")
    assert config.read_bytes() == EXAMPLE.read_bytes()
    state = root / STATE_DIR.lstrip("/")
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert os.readlink(state / "kiosk.toml") == CONFIG_FILE
    unit = root / "etc/systemd/system" / UNIT_NAME
    assert unit.read_bytes() == UNIT.read_bytes()
    wants = root / "etc/systemd/system/multi-user.target.wants" / UNIT_NAME
    assert os.readlink(wants) == f"/etc/systemd/system/{UNIT_NAME}"
    app = root / APP_DIR.lstrip("/")
    assert (app / "main.py").read_bytes() == (PROJECT_ROOT / "main.py").read_bytes()
    assert (app / "run").stat().st_mode & stat.S_IXUSR
    assert not (app / ".git").exists() and not list(app.rglob("__pycache__"))


def test_install_keeps_an_edited_config_and_updates_the_program(
        sandbox: tuple[Path, dict[str, str], Path]) -> None:
    root, env, _ = sandbox
    install(root, env)
    config = root / CONFIG_FILE.lstrip("/")
    edited = config.read_text("utf-8").replace("language = \"zh_Hant_TW\"", "language = \"vi\"")
    assert edited != config.read_text("utf-8")
    config.write_text(edited, "utf-8")
    again = install(root, env)
    assert "Nothing changed" in again
    assert config.read_text("utf-8") == edited
    # The kiosk, reading its home as the unit sets it, sees the edited setting (the link is
    # re-pointed into the sandbox: on a real Pi it names /etc/... itself).
    home = root / STATE_DIR.lstrip("/")
    (home / "kiosk.toml").unlink()
    (home / "kiosk.toml").symlink_to(config)
    assert load_settings(environ={"KIOSK_HOME": str(home)}).language == "vi"


def test_install_sets_the_volunteer_pin_and_prints_it_once(
        sandbox: tuple[Path, dict[str, str], Path]) -> None:
    """Before, the first person to touch "Volunteers" on the screen chose the PIN."""
    root, env, _ = sandbox
    first = install(root, env)
    shown = re.findall(r"Volunteer PIN: (\d+)", first)
    assert len(shown) == 1 and len(shown[0]) == 6, first
    home = root / STATE_DIR.lstrip("/")
    toml = home / "volunteer.toml"
    assert stat.S_IMODE(toml.stat().st_mode) == 0o600 and shown[0] not in toml.read_text("utf-8")
    access = VolunteerAccess(home)
    assert access.is_set() and access.check(shown[0]) == 0.0
    again = install(root, env)
    assert "Volunteer PIN:" not in again and "a volunteer PIN is set" in again
    assert VolunteerAccess(home).check(shown[0]) == 0.0  # never replaced


def test_install_takes_a_volunteer_pin_given_to_it(
        sandbox: tuple[Path, dict[str, str], Path]) -> None:
    root, env, _ = sandbox
    out = install(root, {**env, "KIOSK_VOLUNTEER_PIN": "246810"})
    assert "246810" not in out and "set the volunteer PIN" in out
    assert VolunteerAccess(root / STATE_DIR.lstrip("/")).check("246810") == 0.0
    bad = subprocess.run(["bash", str(INSTALL), "--root", str(root / "other")],
                         env={**env, "KIOSK_VOLUNTEER_PIN": "12345"}, capture_output=True,
                         text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert bad.returncode == 1 and "exactly 6 numbers" in bad.stderr


def test_usb_sticks_are_mounted_where_the_kiosk_user_can_write(
        sandbox: tuple[Path, dict[str, str], Path]) -> None:
    root, env, calls = sandbox
    out = install(root, env)
    assert "9. USB sticks" in out
    rules = DEPLOY / "90-community-skills-kiosk-usb.rules"
    installed = root / "etc/udev/rules.d" / rules.name
    assert installed.read_bytes() == rules.read_bytes()
    usb = root / "media/kiosk"
    assert usb.is_dir() and stat.S_IMODE(usb.stat().st_mode) == 0o755
    rule = next(line for line in rules.read_text("utf-8").splitlines()
                if line and not line.startswith("#"))
    # A USB stick's filesystem partition, mounted by systemd for the kiosk user under the
    # folder the kiosk looks in (/media/<user>/<stick>) and the unit lets it write to.
    assert 'ACTION=="add"' in rule and 'ENV{ID_BUS}=="usb"' in rule and "vfat" in rule
    command = rule.split('RUN{program}+="', 1)[1].rstrip('"').split()
    assert command[0] == "/usr/bin/systemd-mount" and "--owner=kiosk" in command
    assert command[-1] == "/media/kiosk/%k" and "noexec" in " ".join(command)
    settings = unit_settings(UNIT.read_text("utf-8"))
    assert ("Service", "ReadWritePaths", "-/media/kiosk") in settings
    assert ("Service", "User", "kiosk") in settings
    help_text = subprocess.run(["systemd-mount", "--help"], capture_output=True, text=True,
                               timeout=30).stdout if shutil.which("systemd-mount") else ""
    if help_text:  # the options this Debian's systemd-mount takes
        for option in ("--no-block", "--collect", "--fsck", "--owner", "--options"):
            assert option in help_text, option
    assert not calls.exists(), calls.read_text()


def test_install_rejects_unknown_options() -> None:
    result = subprocess.run(["bash", str(INSTALL), "--bogus"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert "Unknown option" in result.stderr


def test_install_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian package 'shellcheck')")
    result = subprocess.run([shellcheck, "--shell=bash", str(INSTALL)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

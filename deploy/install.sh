#!/usr/bin/env bash
# Install (or update) the community digital-skills kiosk so that it starts full screen at boot.
#
#   sudo ./deploy/install.sh             install or update on this machine (run as root)
#   sudo ./deploy/install.sh --printer   also install CUPS, so certificates can be printed (lp)
#   ./deploy/install.sh --root DIR       write every file under DIR instead of / (for tests):
#                                        no apt, no user account, no Python set-up, no systemctl
#
# The first time, it sets the 6-digit volunteer PIN: typed twice at the prompt (Enter alone
# makes one up), or from KIOSK_VOLUNTEER_PIN, or made up and printed once when nobody can type.
#
# For Raspberry Pi OS bookworm 64-bit (Lite) on a Pi 4 or 5; also works on Debian 12.
# Safe to run again: whatever is already in place is left alone, and it says so.
# An existing /etc/community-skills-kiosk/kiosk.toml is never overwritten.
# See docs/DEPLOY.md.
set -euo pipefail

APP=community-skills-kiosk
SERVICE=$APP.service
KIOSK_USER=kiosk
APP_DIR=/opt/$APP
CONFIG_DIR=/etc/$APP
CONFIG_FILE=$CONFIG_DIR/kiosk.toml
STATE_DIR=/var/lib/$APP
UNIT_DIR=/etc/systemd/system
# Debian packages the kiosk needs on the device:
#   python3, python3-venv   the kiosk's Python environment
#   libegl1 libgles2 libgl1 libgbm1 libdrm2 libgl1-mesa-dri   drawing straight on the screen
#       (SDL's KMS/DRM driver, bundled in the Kivy wheel, loads these; Mesa drives the Pi's GPU)
#   libmtdev1               multi-touch screens
#   libasound2              the speaker (ALSA)
#   udev, systemd           mounting USB sticks (systemd-mount), see step 9
DEBS="python3 python3-venv libegl1 libgles2 libgl1 libgbm1 libdrm2 libgl1-mesa-dri libmtdev1 libasound2 udev"
GROUPS_NEEDED="video render input audio"
# USB sticks are mounted here for the kiosk user (deploy/$USB_RULES, a udev rule).
USB_DIR=/media/$KIOSK_USER
USB_RULES=90-$APP-usb.rules
RULES_DIR=/etc/udev/rules.d
# --printer: CUPS, which gives the kiosk the `lp` command it prints certificates with.
PRINTER_DEBS="cups cups-client"
PRINTER=0

ROOT=""
usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}
while [ $# -gt 0 ]; do
    case "$1" in
        --root)
            [ $# -ge 2 ] || { echo "--root needs a folder" >&2; exit 2; }
            ROOT=${2%/}
            shift 2
            ;;
        --root=*)
            ROOT=${1#--root=}
            ROOT=${ROOT%/}
            shift
            ;;
        --printer)
            PRINTER=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "Unknown option: $1" >&2
            usage >&2
            exit 2
            ;;
    esac
done

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd -P)
CHANGED=0

done_() { printf '  [done]    %s\n' "$*"; CHANGED=$((CHANGED + 1)); }
already() { printf '  [already] %s\n' "$*"; }
skipped() { printf '  [skipped] %s\n' "$*"; }
step() { printf '\n\033[1m%s\033[0m\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

if [ -z "$ROOT" ]; then
    [ "$(id -u)" -eq 0 ] || die "Please run as root: sudo $0"
else
    mkdir -p "$ROOT"
    ROOT=$(cd "$ROOT" && pwd -P)
    echo "Installing under $ROOT (test mode: no apt, no user account, no Python set-up, no systemctl)"
fi

# --- 1. Debian packages -------------------------------------------------------------------
step "1. System packages"
if [ -n "$ROOT" ]; then
    skipped "apt-get (--root)"
else
    missing=()
    wanted=$DEBS
    [ "$PRINTER" = 1 ] && wanted="$wanted $PRINTER_DEBS"
    for pkg in $wanted; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        already "all needed packages are installed"
    else
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
        done_ "installed ${missing[*]}"
    fi
fi

# --- 2. The kiosk user --------------------------------------------------------------------
step "2. The '$KIOSK_USER' user (no password, no login)"
if [ -n "$ROOT" ]; then
    skipped "useradd (--root)"
else
    if id "$KIOSK_USER" >/dev/null 2>&1; then
        already "user $KIOSK_USER exists"
    else
        useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "Community skills kiosk" "$KIOSK_USER"
        done_ "created user $KIOSK_USER"
    fi
    for group in $GROUPS_NEEDED; do
        getent group "$group" >/dev/null || continue
        if id -nG "$KIOSK_USER" | tr ' ' '\n' | grep -qx "$group"; then
            already "$KIOSK_USER is in group $group"
        else
            usermod -a -G "$group" "$KIOSK_USER"
            done_ "added $KIOSK_USER to group $group"
        fi
    done
fi

# --- 3. The program ---------------------------------------------------------------------------
# A copy in /opt, owned by root and read-only for the kiosk, so the kiosk cannot change its
# own program. The copy is redone only when the source changed (compared by a checksum).
step "3. The program in $APP_DIR"
source_files() {
    (cd "$SOURCE_DIR" && find . \
        \( -name .git -o -name .venv -o -name __pycache__ -o -name '.*_cache' \
           -o -name '*.egg-info' -o -name .kiosk-home -o -name .kivy -o -name build \
           -o -name dist \) -prune \
        -o \( -type f -o -type l \) ! -name '*.pyc' ! -name '*.mo' -print0 | LC_ALL=C sort -z)
}
source_digest() {
    # Names, modes and contents of every file that is copied.
    (cd "$SOURCE_DIR" && source_files | xargs -0 -r stat -c '%n %a' && \
        source_files | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}
DEST=$ROOT$APP_DIR
STAMP=$DEST/.installed-source
if [ "$SOURCE_DIR" = "$(cd "$DEST" 2>/dev/null && pwd -P)" ]; then
    already "running from $APP_DIR itself: nothing to copy"
else
    digest=$(source_digest)
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$digest" ]; then
        already "$APP_DIR is up to date"
    else
        mkdir -p "$DEST"
        # Remove the old copy, keeping the Python environment (.venv) so updates are quick.
        find "$DEST" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
        (cd "$SOURCE_DIR" && source_files | tar --null -T - -cf -) \
            | tar --no-same-owner -xpf - -C "$DEST"
        # Readable by the kiosk, writable by root only.
        chmod -R a+rX,go-w "$DEST"
        printf '%s\n' "$digest" > "$STAMP"
        done_ "copied the program from $SOURCE_DIR"
    fi
fi

# --- 4. Python environment, through the project's own set-up ----------------------------------
step "4. Python environment ($APP_DIR/.venv)"
if [ -n "$ROOT" ]; then
    skipped "Python set-up (--root)"
else
    before=$(cat "$DEST/.venv/.installed-runtime" 2>/dev/null || true)
    # ./run creates .venv and installs the kiosk when pyproject.toml changed, then compiles the
    # translation catalogs (a no-op when they are up to date).
    (cd "$DEST" && ./run kiosk-cli i18n compile >/dev/null)
    # The service sees /opt read-only (ProtectSystem=strict): compile the kiosk's Python files
    # now, or every start would compile them again (a few hundred ms on a Pi).
    "$DEST/.venv/bin/python" -m compileall -q "$DEST/kiosk" "$DEST/main.py" >/dev/null
    after=$(cat "$DEST/.venv/.installed-runtime" 2>/dev/null || true)
    if [ "$before" = "$after" ]; then
        already "Python environment is up to date"
    else
        done_ "created the Python environment and installed the kiosk"
    fi
fi

# --- 5. The one config file -------------------------------------------------------------------
step "5. Settings: $CONFIG_FILE"
mkdir -p "$ROOT$CONFIG_DIR"
if [ -e "$ROOT$CONFIG_FILE" ]; then
    already "$CONFIG_FILE exists (kept as it is)"
else
    install -m 0644 "$SOURCE_DIR/deploy/kiosk.toml.example" "$ROOT$CONFIG_FILE"
    done_ "wrote $CONFIG_FILE from deploy/kiosk.toml.example"
fi

# --- 6. The kiosk's data folder ---------------------------------------------------------------
step "6. Data folder: $STATE_DIR (progress, narration cache, logs)"
if [ -d "$ROOT$STATE_DIR" ]; then
    already "$STATE_DIR exists"
else
    mkdir -p "$ROOT$STATE_DIR"
    done_ "created $STATE_DIR"
fi
if [ "$(stat -c %a "$ROOT$STATE_DIR")" = "700" ]; then
    already "$STATE_DIR is private (0700)"
else
    chmod 0700 "$ROOT$STATE_DIR"
    done_ "made $STATE_DIR private (0700)"
fi
if [ -z "$ROOT" ]; then
    if [ "$(stat -c %U:%G "$STATE_DIR")" = "$KIOSK_USER:$KIOSK_USER" ]; then
        already "$STATE_DIR belongs to $KIOSK_USER"
    else
        chown "$KIOSK_USER:$KIOSK_USER" "$STATE_DIR"
        done_ "gave $STATE_DIR to $KIOSK_USER"
    fi
fi
# The kiosk reads KIOSK_HOME/kiosk.toml: point it at the one config file in /etc.
LINK=$ROOT$STATE_DIR/kiosk.toml
if [ -L "$LINK" ] && [ "$(readlink "$LINK")" = "$CONFIG_FILE" ]; then
    already "$STATE_DIR/kiosk.toml points to $CONFIG_FILE"
else
    if [ -e "$LINK" ] && [ ! -L "$LINK" ]; then
        mv "$LINK" "$LINK.old"
        done_ "moved an old $STATE_DIR/kiosk.toml aside to kiosk.toml.old"
    fi
    ln -sfn "$CONFIG_FILE" "$LINK"
    done_ "linked $STATE_DIR/kiosk.toml to $CONFIG_FILE"
fi

# --- 7. The systemd service -------------------------------------------------------------------
step "7. Start at boot: $SERVICE"
mkdir -p "$ROOT$UNIT_DIR"
UNIT_CHANGED=0
if cmp -s "$SOURCE_DIR/deploy/$SERVICE" "$ROOT$UNIT_DIR/$SERVICE"; then
    already "$UNIT_DIR/$SERVICE is up to date"
else
    install -m 0644 "$SOURCE_DIR/deploy/$SERVICE" "$ROOT$UNIT_DIR/$SERVICE"
    done_ "installed $UNIT_DIR/$SERVICE"
    UNIT_CHANGED=1
fi
if [ -n "$ROOT" ]; then
    # What `systemctl enable` does, written by hand (systemctl is not used with --root).
    WANTS=$ROOT$UNIT_DIR/multi-user.target.wants
    if [ "$(readlink "$WANTS/$SERVICE" 2>/dev/null)" = "$UNIT_DIR/$SERVICE" ]; then
        already "$SERVICE is enabled"
    else
        mkdir -p "$WANTS"
        ln -sfn "$UNIT_DIR/$SERVICE" "$WANTS/$SERVICE"
        done_ "enabled $SERVICE"
    fi
else
    if [ -d /run/systemd/system ] && [ "$UNIT_CHANGED" = 1 ]; then
        systemctl daemon-reload
    fi
    if systemctl is-enabled --quiet "$SERVICE" 2>/dev/null; then
        already "$SERVICE is enabled"
    else
        systemctl enable --quiet "$SERVICE"
        done_ "enabled $SERVICE"
    fi
    # Only one program can own the screen: a desktop would keep the kiosk off it.
    if [ "$(systemctl get-default)" = "graphical.target" ]; then
        systemctl set-default multi-user.target >/dev/null
        done_ "set the Pi to start without the desktop (the kiosk uses the whole screen)"
    else
        already "the Pi starts without a desktop"
    fi
fi

# --- 8. The volunteer PIN ----------------------------------------------------------------------
# Without one, the first person to touch "Volunteers" on the screen would choose it. The kiosk
# itself hashes it (python -m kiosk volunteer set-pin), as the kiosk's user, so volunteer.toml
# is the kiosk's own file (0600). A PIN already set is never replaced.
step "8. Volunteer PIN"
VOLUNTEER_TOML=$ROOT$STATE_DIR/volunteer.toml
if [ -f "$VOLUNTEER_TOML" ] && grep -q '^pin_hash = ' "$VOLUNTEER_TOML"; then
    already "a volunteer PIN is set (change it: sudo -u $KIOSK_USER KIOSK_HOME=$STATE_DIR $APP_DIR/.venv/bin/python -m kiosk volunteer set-pin)"
else
    made_up=0
    pin=${KIOSK_VOLUNTEER_PIN:-}
    if [ -z "$pin" ] && [ -t 0 ]; then
        read -r -s -p "  Choose the 6-digit volunteer PIN (Enter alone: make one up): " pin; echo
        if [ -n "$pin" ]; then
            read -r -s -p "  The same PIN again: " again; echo
            [ "$pin" = "$again" ] || die "The two PINs were not the same. Run the installer again."
        fi
    fi
    if [ -z "$pin" ]; then
        # Uniform enough: 2^32 is 4294 whole rounds of a million, the rest a bias of 1 in 10^6.
        pin=$(printf '%06d' $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 1000000 )))
        made_up=1
    fi
    [[ "$pin" =~ ^[0-9]{6}$ ]] || die "The volunteer PIN needs exactly 6 numbers, like 135790."
    if [ -n "$ROOT" ]; then
        python=${KIOSK_INSTALL_PYTHON:-python3}
        as_kiosk=()
    else
        python=$DEST/.venv/bin/python
        as_kiosk=(runuser -u "$KIOSK_USER" --)
    fi
    printf '%s\n' "$pin" | (cd "$DEST" && "${as_kiosk[@]}" env KIOSK_HOME="$ROOT$STATE_DIR" \
        "$python" -m kiosk volunteer set-pin --pin-from-stdin >/dev/null) \
        || die "Could not set the volunteer PIN."
    done_ "set the volunteer PIN"
    if [ "$made_up" = 1 ]; then
        echo
        echo "  Volunteer PIN: $pin"
        echo "  Write it down now and give it to the volunteers: it is not shown again."
        echo "  (Change it: sudo -u $KIOSK_USER KIOSK_HOME=$STATE_DIR $APP_DIR/.venv/bin/python -m kiosk volunteer set-pin)"
    fi
fi

# --- 9. USB sticks -------------------------------------------------------------------------------
# Raspberry Pi OS Lite mounts nothing by itself: a udev rule has systemd mount each stick at
# $USB_DIR/<partition>, owned by the kiosk user (the kiosk looks for sticks under /media/*/).
step "9. USB sticks: mounted at $USB_DIR/<partition> for $KIOSK_USER"
if [ -d "$ROOT$USB_DIR" ]; then
    already "$USB_DIR exists"
else
    mkdir -p "$ROOT$USB_DIR"
    chmod 0755 "$ROOT$USB_DIR"
    done_ "created $USB_DIR"
fi
mkdir -p "$ROOT$RULES_DIR"
if cmp -s "$SOURCE_DIR/deploy/$USB_RULES" "$ROOT$RULES_DIR/$USB_RULES"; then
    already "$RULES_DIR/$USB_RULES is up to date"
else
    install -m 0644 "$SOURCE_DIR/deploy/$USB_RULES" "$ROOT$RULES_DIR/$USB_RULES"
    done_ "installed $RULES_DIR/$USB_RULES"
    if [ -z "$ROOT" ] && command -v udevadm >/dev/null; then
        udevadm control --reload
    fi
fi
if [ "$PRINTER" = 1 ]; then
    if [ -n "$ROOT" ]; then
        skipped "CUPS (--root)"
    else
        already "CUPS is installed (step 1): add the printer with lpadmin, see docs/DEPLOY.md"
    fi
fi

# --- Summary ----------------------------------------------------------------------------------
echo
if [ "$CHANGED" -eq 0 ]; then
    echo "Nothing changed: everything was already in place."
else
    echo "Done: $CHANGED change(s)."
fi
if [ -z "$ROOT" ]; then
    echo "Restart the Pi to start the kiosk:   sudo reboot"
    echo "Settings are in:                     $CONFIG_FILE"
fi

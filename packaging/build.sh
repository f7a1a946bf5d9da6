#!/usr/bin/env bash
# Build, install, check and uninstall derivview's one-folder desktop bundle (Linux).
#
#   bash packaging/build.sh build               dist/derivview/ from this checkout
#   bash packaging/build.sh install [PREFIX]    for the current user (default ~/.local)
#   bash packaging/build.sh uninstall [PREFIX]
#   bash packaging/build.sh smoke               build's bundle, installed into a temporary
#                                               prefix, run by packaging/smoke_test.py,
#                                               then uninstalled
#   bash packaging/build.sh needs               what the target system must provide
#
# The build needs python3 (≥ 3.10, with venv) and network access to PyPI; it makes its
# own venv (build/bundle-venv) with derivview's runtime dependencies and PyInstaller only,
# so no test or development package ends up in the bundle. packaging/README.md explains.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/packaging"
DIST="$ROOT/dist/derivview"
VENV="${DERIVVIEW_BUILD_VENV:-$ROOT/build/bundle-venv}"
PYINSTALLER_REQ="pyinstaller>=6.10,<7"
APP_ID="io.github.derivview.derivview"

# What the bundle takes from the target system (measured on the bundle with ldd: every
# library it loads that is not inside it). Debian/Ubuntu package names.
TARGET_NEEDS="glibc >= 2.36 (built on Debian 12; build on the oldest system you support),
  an X11 or Wayland desktop with OpenGL/EGL drivers (libGL.so.1, libEGL.so.1: libgl1, libegl1),
  libxcb.so.1 (libxcb1), and for native Wayland libwayland-client0, libwayland-cursor0 and
  libwayland-egl1 (without them Qt uses X11/XWayland).
  Everything else (Qt, Python, numpy, sympy, the XCB helper libraries, fontconfig,
  freetype) is inside the bundle."

# The XCB helper libraries Qt's xcb plugin needs (pitfalls.md): the build machine must
# have them so that PyInstaller copies them into the bundle.
BUILD_LIBS="libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4
  libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-shape.so.0:libxcb-shape0
  libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxcb-render-util.so.0:libxcb-render-util0
  libxcb-image.so.0:libxcb-image0"

say() { printf '%s\n' "$*" >&2; }
die() { say "build.sh: $*"; exit 1; }

check_build_libs() {
    local missing="" entry lib deb known
    known="$(ldconfig -p)"
    for entry in $BUILD_LIBS; do
        lib="${entry%%:*}" deb="${entry##*:}"
        case "$known" in *"$lib "*) ;; *) missing="$missing $deb" ;; esac
    done
    if [ -n "$missing" ]; then
        die "the build machine lacks Qt's XCB libraries, which the bundle must carry:
  apt-get install -y$missing"
    fi
}

cmd_build() {
    [ "$(uname -s)" = Linux ] || die "this script builds the Linux bundle; on Windows or macOS run
  pyinstaller packaging/derivview.spec --noconfirm   in a venv with 'pip install . \"$PYINSTALLER_REQ\"'"
    check_build_libs
    local started=$SECONDS
    if [ ! -x "$VENV/bin/python" ]; then
        say "== creating the build venv $VENV"
        python3 -m venv "$VENV"
    fi
    say "== installing derivview's runtime dependencies and PyInstaller into it"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$ROOT" "$PYINSTALLER_REQ"
    say "== pyinstaller packaging/derivview.spec"
    "$VENV/bin/pyinstaller" "$PKG/derivview.spec" --noconfirm --clean --log-level WARN \
        --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller"
    local mb files
    mb=$(du -sm "$DIST" | cut -f1)
    files=$(find "$DIST" -type f | wc -l)
    say "== built $DIST: ${mb} MB, ${files} files, $((SECONDS - started)) s"
    say "   next: bash packaging/build.sh smoke; bash packaging/build.sh install"
}

prefix_of() { local p="${1:-$HOME/.local}"; mkdir -p "$p"; (cd "$p" && pwd); }

cmd_install() {
    local prefix; prefix="$(prefix_of "${1:-}")"
    [ -x "$DIST/derivview" ] || die "no bundle at $DIST: run 'bash packaging/build.sh build' first"
    local lib="$prefix/lib/derivview" bin="$prefix/bin/derivview" share="$prefix/share"
    if [ -e "$bin" ] && [ "$(readlink "$bin" || true)" != "$lib/derivview" ]; then
        die "$bin exists and is not this bundle's launcher (a pip install --user?); remove it first"
    fi
    say "== installing into $prefix"
    rm -rf "$lib"
    mkdir -p "$prefix/lib" "$prefix/bin" "$share/applications" "$share/metainfo" \
        "$share/mime/packages" "$share/icons"
    cp -a "$DIST" "$lib"
    ln -sfn "$lib/derivview" "$bin"
    # Exec/TryExec by absolute path: the menu finds derivview even where the desktop
    # session's PATH lacks PREFIX/bin (it often lacks ~/.local/bin).
    sed -e "s|^Exec=derivview |Exec=$bin |" -e "s|^TryExec=derivview$|TryExec=$bin|" \
        "$PKG/derivview.desktop" > "$share/applications/derivview.desktop"
    cp "$PKG/$APP_ID.metainfo.xml" "$share/metainfo/"
    cp "$PKG/derivview-session.xml" "$share/mime/packages/"
    cp -r "$PKG/icons/hicolor" "$share/icons/"
    refresh_caches "$share"
    say "   $bin -> $lib/derivview"
    case ":$PATH:" in *":$prefix/bin:"*) ;; *) say "   note: $prefix/bin is not on your PATH";; esac
    check_target "$lib"
}

cmd_uninstall() {
    local prefix; prefix="$(prefix_of "${1:-}")"
    local lib="$prefix/lib/derivview" bin="$prefix/bin/derivview" share="$prefix/share"
    say "== uninstalling from $prefix"
    if [ -L "$bin" ] && [ "$(readlink "$bin")" = "$lib/derivview" ]; then rm -f "$bin"; fi
    rm -rf "$lib"
    rm -f "$share/applications/derivview.desktop" "$share/metainfo/$APP_ID.metainfo.xml" \
        "$share/mime/packages/derivview-session.xml"
    local icon
    for icon in "$PKG"/icons/hicolor/*/apps/derivview.*; do
        rm -f "$share/icons/hicolor/${icon#"$PKG/icons/hicolor/"}"
    done
    refresh_caches "$share"
}

refresh_caches() {
    local share="$1"
    if command -v update-mime-database >/dev/null; then
        update-mime-database "$share/mime" >/dev/null 2>&1 || true
    fi
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database "$share/applications" >/dev/null 2>&1 || true
    fi
}

# Libraries the installed bundle cannot find on this system (a target check, not a test).
missing_libs() {  # DIR FIND-FILTER...: the "not found" libraries of the ELF files under DIR
    local dir="$1"; shift
    find "$dir" -type f \( -name '*.so*' -o -name derivview \) "$@" -print0 \
        | xargs -0 -r ldd 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' '
}

check_target() {
    local lib="$1" missing wayland
    missing=$(missing_libs "$lib" ! -ipath '*wayland*' ! -iname '*wlshell*')
    wayland=$(missing_libs "$lib" \( -ipath '*wayland*' -o -iname '*wlshell*' \))
    if [ -n "$missing" ]; then
        say "   warning: this system lacks libraries the bundle needs: $missing"
        say "   the target system needs: $TARGET_NEEDS"
    fi
    if [ -n "$wayland" ]; then
        say "   note: no native Wayland here (missing $wayland); derivview runs through XWayland/X11"
    fi
}

cmd_smoke() {
    [ -x "$DIST/derivview" ] || die "no bundle at $DIST: run 'bash packaging/build.sh build' first"
    local prefix status=0
    prefix="$(mktemp -d /tmp/derivview-prefix-XXXXXX)"
    cmd_install "$prefix"
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$prefix/share/applications/derivview.desktop" || status=1
    fi
    # The checker uses the system's Python, never the build venv or a project venv.
    env -i PATH=/usr/bin:/bin HOME="$prefix" /usr/bin/env python3 -I "$PKG/smoke_test.py" \
        "$prefix/bin/derivview" || status=1
    cmd_uninstall "$prefix"
    local left; left=$(find "$prefix" -type f ! -path "$prefix/share/mime/*" ! -name mimeinfo.cache | head -5)
    if [ -n "$left" ]; then say "uninstall left files behind: $left"; status=1; fi
    rm -rf "$prefix"
    return $status
}

case "${1:-}" in
    build) cmd_build ;;
    install) cmd_install "${2:-}" ;;
    uninstall) cmd_uninstall "${2:-}" ;;
    smoke) cmd_smoke ;;
    needs) say "The bundle needs of the target system: $TARGET_NEEDS" ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# plangen set-up: system packages, Fandol fonts, fontconfig aliases, .venv with the package.
#
#   scripts/setup.sh build   # what `make build` needs
#   scripts/setup.sh test    # the same + LibreOffice + test extras (what `make test` needs)
#
# Runs as root on a fresh Debian 12 machine (uses sudo when not root and sudo exists).
# Idempotent: when everything is in place it only checks and takes well under a second.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  build|test) ;;
  *) echo "用法：$0 build|test" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive

FONT_DIR=/usr/local/share/fonts/plangen
CONF_SRC="$ROOT/plangen/data/fontconfig/60-plangen.conf"
CONF_DST=/etc/fonts/conf.d/60-plangen.conf
FANDOL_FILES=(FandolSong-Regular.otf FandolSong-Bold.otf FandolFang-Regular.otf
              FandolHei-Regular.otf FandolHei-Bold.otf FandolKai-Regular.otf)
# sha256 of the files in Debian 12's texlive-lang-chinese 2022.20230122-1 (Fandol 0.3, 2015).
# A different file only warns: the build hashes font files, so outputs are rebuilt anyway.
declare -A FANDOL_SHA256=(
  [FandolSong-Regular.otf]=a3820003227d4abe31fe28b493200d94a849ccfd078b50a019264f70353020b0
  [FandolSong-Bold.otf]=ffa76a70e128947a4dd22151d5ee829b23e24ce3cb6fe8ad49891cd1c2d9e9b9
  [FandolFang-Regular.otf]=d838ad32ce2244d8144f408c37fe71065aba6fbbc80759a4d2aa2033948d5bc9
  [FandolHei-Regular.otf]=4afa97aa8751e0118617df88272b58d43691b5cffb7ea024c4580496e9f34d28
  [FandolHei-Bold.otf]=42ca2de27b45e16a284768673b6205a5add9e17871ee0e7db9c0d03f061d96fd
  [FandolKai-Regular.otf]=ea7e7fb4f9b3ac694a68d43946e04d21deed6e8c29a7c2d3081e1a4138f2f827
)

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] 错误：%s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi
as_root() {
  if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
    die "需要 root 权限（或 sudo）来执行：$*"
  fi
  "${SUDO[@]}" "$@"
}

# One set-up at a time on this machine (apt, fonts and pip must not race each other).
exec 9>"${TMPDIR:-/tmp}/plangen-setup.lock"
flock 9

# ---------------------------------------------------------------- system packages
pkgs=(fontconfig fonts-noto-cjk fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
[ "$mode" = test ] && pkgs+=(libreoffice-writer-nogui libreoffice-calc-nogui python3-uno)  # calc: progress forms saved through LibreOffice; python3-uno: the diff tests accept/reject tracked changes
[ "$mode" = test ] && pkgs+=(chromium chromium-driver)  # serve and index.html tests in real headless Chromium
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
# Debian's python3 has the venv module but no ensurepip without python3-venv.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || pkgs+=(python3-venv)

missing=()
for p in "${pkgs[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
  [ "$status" = installed ] || missing+=("$p")
done

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
}

apt_install() {
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ${#missing[@]} -gt 0 ]; then
  log "安装系统软件包：${missing[*]}"
  # Try with the package lists already there; update them only when that fails (a fresh
  # image has none, an old machine may have stale ones).
  if ! apt_install "${missing[@]}" 2>/dev/null; then
    apt_update
    apt_install "${missing[@]}" || die "无法安装 ${missing[*]}（检查网络和 apt 源）"
  fi
fi

# ---------------------------------------------------------------- Fandol fonts
fonts_changed=0
need_fandol=0
for f in "${FANDOL_FILES[@]}"; do
  [ -s "$FONT_DIR/$f" ] || need_fandol=1
done
if [ "$need_fandol" -eq 1 ]; then
  log "安装 Fandol 字体（从 texlive-lang-chinese 中只取 .otf 文件，不安装 TeX Live）"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # apt downloads as the _apt user when it can write the folder; avoids a sandbox warning.
  if id _apt >/dev/null 2>&1; then chown _apt "$tmp" 2>/dev/null || true; fi
  if ! (cd "$tmp" && as_root apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
    apt_update
    (cd "$tmp" && as_root apt-get download -qq texlive-lang-chinese >/dev/null) \
      || die "无法下载 texlive-lang-chinese（检查网络和 apt 源）"
  fi
  deb="$(ls "$tmp"/texlive-lang-chinese_*.deb)"
  mkdir -p "$tmp/x"
  # Like `dpkg -x`, but unpacks only the Fandol fonts (half the time of the whole 49 MB package).
  dpkg-deb --fsys-tarfile "$deb" \
    | tar -x -C "$tmp/x" --wildcards '*/fonts/opentype/public/fandol/Fandol*.otf'
  src="$(dirname "$(find "$tmp/x" -name FandolFang-Regular.otf -print -quit)")"
  [ -n "$src" ] && [ -d "$src" ] || die "texlive-lang-chinese 中没有找到 Fandol 字体"
  as_root install -d -m 0755 "$FONT_DIR"
  for f in "${FANDOL_FILES[@]}"; do
    [ -s "$src/$f" ] || die "texlive-lang-chinese 中缺少 $f"
    want="${FANDOL_SHA256[$f]}"
    if [ -n "$want" ]; then
      got="$(sha256sum "$src/$f" | cut -d' ' -f1)"
      [ "$got" = "$want" ] || log "警告：$f 与预期版本不同（sha256 $got）"
    fi
    as_root install -m 0644 "$src/$f" "$FONT_DIR/$f"
  done
  rm -rf "$tmp"
  trap - EXIT
  fonts_changed=1
fi

# ---------------------------------------------------------------- fontconfig aliases
if ! cmp -s "$CONF_SRC" "$CONF_DST"; then
  log "安装字体别名 $CONF_DST"
  as_root install -m 0644 "$CONF_SRC" "$CONF_DST"
  fonts_changed=1
fi
# Also refresh when the cache does not (yet) reflect the aliases, e.g. fonts copied by hand.
if [ "$fonts_changed" -eq 0 ]; then
  case "$(fc-match -f '%{family[0]}' '仿宋_GB2312' 2>/dev/null || true)" in
    FandolFang) ;;
    *) fonts_changed=1 ;;
  esac
fi
if [ "$fonts_changed" -eq 1 ]; then
  log "fc-cache -f"
  as_root fc-cache -f
fi
got="$(fc-match -f '%{family[0]}' '仿宋_GB2312')"
[ "$got" = FandolFang ] || die "fc-match 仿宋_GB2312 得到 $got，应为 FandolFang"

# ---------------------------------------------------------------- virtualenv + package
VENV="$ROOT/.venv"
STAMP="$VENV/.plangen-setup"
want_hash="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
stamp_ok=0
if [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/plangen" ] && [ -f "$STAMP" ]; then
  read -r have_hash have_mode <"$STAMP" || true
  if [ "${have_hash:-}" = "$want_hash" ] && { [ "${have_mode:-}" = test ] || [ "$mode" = build ]; }; then
    # The package must still import from this checkout (editable install).
    "$VENV/bin/python" -c 'import plangen' >/dev/null 2>&1 && stamp_ok=1
  fi
fi
if [ "$stamp_ok" -eq 0 ]; then
  if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    log "创建虚拟环境 .venv"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  if [ "$mode" = test ]; then spec='.[test]'; else spec='.'; fi
  log "pip install -e '$spec'"
  "$VENV/bin/python" -m pip install -q -e "$spec"
  printf '%s %s\n' "$want_hash" "$mode" >"$STAMP"
fi

log "就绪（$mode）"

#!/usr/bin/env bash
# Installs what Proctor needs on Debian 12, idempotently: system packages, then model files.
#
#   scripts/setup.sh            packages + models
#   scripts/setup.sh models     models only
#   scripts/setup.sh packages   packages only
#
# Environment:
#   PROCTOR_MODEL_MIRROR   folder to copy models from (default: ../shared/models next to the checkout, if it exists)
#   PROCTOR_APT_PACKAGES   extra Debian packages to install (e.g. "chromium postgresql" for the test suite)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"

packages=(libopencv-dev ffmpeg curl ca-certificates)
# shellcheck disable=SC2206
packages+=(${PROCTOR_APT_PACKAGES:-})

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "setup: need root to run: $*" >&2; exit 1
    fi
}

install_packages() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "setup: system packages present"
        return
    fi
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

install_models() {
    local mirror="${PROCTOR_MODEL_MIRROR:-}"
    if [ -z "$mirror" ] && [ -d "$root/../shared/models" ]; then mirror="$root/../shared/models"; fi
    local failed=0
    while IFS=$'\t' read -r file sha url license purpose; do
        case "$file" in ''|'#'*) continue ;; esac
        local target="$root/models/$file"
        if [ -f "$target" ] && [ "$(sha_of "$target")" = "$sha" ]; then continue; fi
        mkdir -p "$(dirname "$target")"
        local tmp="$target.part"
        if [ -n "$mirror" ] && [ -f "$mirror/$file" ] && [ "$(sha_of "$mirror/$file")" = "$sha" ]; then
            install -m 0644 "$mirror/$file" "$tmp"
            echo "setup: $file copied from $mirror"
        elif curl -fsSL --retry 2 --connect-timeout 10 -o "$tmp" "$url" 2>/dev/null && [ "$(sha_of "$tmp")" = "$sha" ]; then
            echo "setup: $file downloaded from $url"
        else
            rm -f "$tmp"
            echo "setup: cannot get model $file ($purpose, $license): not in the mirror '${mirror:-none}' with sha256 $sha, and $url did not give it" >&2
            failed=1
            continue
        fi
        mv "$tmp" "$target"
    done < "$root/models/manifest.tsv"
    if [ "$failed" -ne 0 ]; then
        echo "setup: set PROCTOR_MODEL_MIRROR to a folder holding the files above, then run scripts/setup.sh models again" >&2
        exit 1
    fi
    echo "setup: models verified in $root/models"
}

case "$what" in
    all) install_packages; install_models ;;
    packages) install_packages ;;
    models) install_models ;;
    *) echo "usage: scripts/setup.sh [all|packages|models]" >&2; exit 2 ;;
esac

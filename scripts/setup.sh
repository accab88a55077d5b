#!/usr/bin/env bash
# Installs what Proctor needs on Debian 12, idempotently: system packages, then model files.
#
#   scripts/setup.sh            packages + models
#   scripts/setup.sh models     models only (the manifest's, those built from them (models/derived.tsv), and Silero VAD from its PyPI wheel)
#   scripts/setup.sh packages   packages only
#   scripts/setup.sh onnxruntime   the ONNX Runtime library only
#   scripts/setup.sh contract   the API contract and fuzz tests' tools (vendor/venv, Tests/Contract/requirements.txt)
#   scripts/setup.sh model-tools   the pinned onnx that builds a patched model (vendor/model-tools, scripts/model-tools.requirements.txt)
#
# Environment:
#   PROCTOR_MODEL_MIRROR   folder to copy models from (default: ../shared/models next to the checkout, if it exists);
#                          without it the models come from their official URLs, and mobilefacenet_sf.onnx is built
#                          from the upstream file by scripts/patch_mobilefacenet.py
#   PROCTOR_APT_PACKAGES   extra Debian packages to install (e.g. "chromium postgresql" for the test suite)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"

# The codec libraries the shim decodes with (TurboJPEG, libpng, libwebp; FFmpeg's headers, its libraries come with ffmpeg).
packages=(libopencv-dev libturbojpeg0-dev libpng-dev libwebp-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libsqlite3-dev pkg-config ffmpeg curl ca-certificates)
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

# Installs the given Debian packages that are missing.
ensure_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# ONNX Runtime, the faster inference engine: the self-contained C library from the pinned PyPI wheel,
# loaded at run time with dlopen. Without it Proctor runs on OpenCV DNN (and says so).
ort_version=1.31.1
ort_wheel="onnxruntime-${ort_version}-cp311-cp311-manylinux_2_28_x86_64.whl"
ort_wheel_sha=5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
ort_library="libonnxruntime.so.${ort_version}"
ort_library_sha=fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3

install_onnxruntime() {
    local target="$root/vendor/lib/$ort_library"
    if [ -f "$target" ] && [ "$(sha_of "$target")" = "$ort_library_sha" ]; then return; fi
    if [ "$(uname -m)" != "x86_64" ]; then
        echo "setup: ONNX Runtime wheel is pinned for x86_64; using OpenCV DNN only" >&2
        return
    fi
    local pip=()
    if python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip); else
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
        pip=(python3 -m pip)
    fi
    local tmp
    tmp="$(mktemp -d)"
    if ! "${pip[@]}" download --no-deps -q -d "$tmp" --only-binary=:all: --python-version 3.11 \
            --platform manylinux_2_28_x86_64 "onnxruntime==$ort_version" 2>"$tmp/pip.log" || [ ! -f "$tmp/$ort_wheel" ]; then
        echo "setup: could not download $ort_wheel ($(tail -1 "$tmp/pip.log")); Proctor will use OpenCV DNN" >&2
        rm -rf "$tmp"
        return
    fi
    if [ "$(sha_of "$tmp/$ort_wheel")" != "$ort_wheel_sha" ]; then
        echo "setup: $ort_wheel has an unexpected sha256; not installing it" >&2
        rm -rf "$tmp"
        return 1
    fi
    mkdir -p "$root/vendor/lib"
    python3 - "$tmp/$ort_wheel" "$target" "$ort_library" <<'PY'
import shutil, sys, zipfile
wheel, target, name = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open("onnxruntime/capi/" + name) as source, open(target + ".part", "wb") as out:
    shutil.copyfileobj(source, out)
PY
    mv "$target.part" "$target"
    rm -rf "$tmp"
    echo "setup: ONNX Runtime $ort_version in vendor/lib"
}

# Silero VAD (MIT), the voice-activity model for the chunks' sound: the ONNX file inside the pinned
# silero-vad wheel on PyPI (the wheel's own sha256 and the model's are both checked).
vad_version=6.2.3
vad_wheel="silero_vad-${vad_version}-py3-none-any.whl"
vad_wheel_sha=7b7f5436cfcb02fae583a05b512ea96467fd449fe54cb49a5e4f06c51a1e43b8
vad_model_sha=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3

install_vad() {
    local target="$root/models/silero_vad.onnx"
    if [ -f "$target" ] && [ "$(sha_of "$target")" = "$vad_model_sha" ]; then return; fi
    local mirror="${PROCTOR_MODEL_MIRROR:-}"
    if [ -z "$mirror" ] && [ -d "$root/../shared/models" ]; then mirror="$root/../shared/models"; fi
    mkdir -p "$root/models"
    if [ -n "$mirror" ] && [ -f "$mirror/silero_vad.onnx" ] && [ "$(sha_of "$mirror/silero_vad.onnx")" = "$vad_model_sha" ]; then
        install -m 0644 "$mirror/silero_vad.onnx" "$target"
        echo "setup: silero_vad.onnx copied from $mirror"
        return
    fi
    python3 -m pip --version >/dev/null 2>&1 || {
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
    }
    local tmp
    tmp="$(mktemp -d)"
    if ! python3 -m pip download --no-deps -q -d "$tmp" "silero-vad==$vad_version" 2>"$tmp/pip.log" || [ ! -f "$tmp/$vad_wheel" ]; then
        echo "setup: could not download $vad_wheel ($(tail -1 "$tmp/pip.log")); speech in recorded sessions will not be analysed" >&2
        rm -rf "$tmp"
        return
    fi
    if [ "$(sha_of "$tmp/$vad_wheel")" != "$vad_wheel_sha" ]; then
        echo "setup: $vad_wheel has an unexpected sha256; not installing it" >&2
        rm -rf "$tmp"
        return 1
    fi
    python3 - "$tmp/$vad_wheel" "$target.part" <<'PY'
import shutil, sys, zipfile
wheel, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open("silero_vad/data/silero_vad.onnx") as source, open(target, "wb") as out:
    shutil.copyfileobj(source, out)
PY
    if [ "$(sha_of "$target.part")" != "$vad_model_sha" ]; then
        echo "setup: silero_vad.onnx from $vad_wheel has an unexpected sha256; not installing it" >&2
        rm -f "$target.part"; rm -rf "$tmp"
        return 1
    fi
    mv "$target.part" "$target"
    rm -rf "$tmp"
    echo "setup: Silero VAD $vad_version in models/silero_vad.onnx"
}

# A virtual environment of Debian's python3 at VENV (ignored by git) holding the pins of REQUIREMENTS, installed
# with the pip options after them, and reinstalled only when the requirements change (their sha256 is stamped in
# the environment). LABEL names it in messages, PIN is the package whose pinned version is reported. Fails (and removes
# the half-made environment) when pip does.
python_venv() {
    local venv="$1" requirements="$2" label="$3" pin="$4"
    shift 4
    local stamp="$venv/.requirements.sha256"
    local want
    want="$(sha_of "$requirements")"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        echo "setup: $label present in ${venv#"$root"/}"
        return 0
    fi
    ensure_debian_packages python3 python3-venv
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    /usr/bin/python3 -m venv "$venv"
    if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input "$@" -r "$requirements" 2>"$venv/pip.log"; then
        echo "setup: could not install the $label from $requirements ($(tail -1 "$venv/pip.log"))" >&2
        rm -rf "$venv"
        return 1
    fi
    echo "$want" > "$stamp"
    echo "setup: $label ($(grep -m1 -o "^$pin==[^ ]*" "$requirements")) in ${venv#"$root"/}"
}

# The Python tools that build a derived model from an official file: onnx and what it imports, pinned with the sha256
# of every wheel in scripts/model-tools.requirements.txt, at vendor/model-tools. Installed only when a model has to
# be built.
install_model_tools() {
    python_venv "$root/vendor/model-tools" "$root/scripts/model-tools.requirements.txt" "model tools" onnx \
        --require-hashes --no-deps --only-binary=:all:
}

# mobilefacenet_sf.onnx is the upstream MobileFaceNet patched for OpenCV 4.6 (README, Models). Without a mirror
# holding the patched file, it is built: the upstream file comes from the mirror (upstream/mobilefacenet.onnx, or
# mobilefacenet_sf.onnx when that is the untouched upstream file) or from the manifest's URL, its sha256 is checked,
# and scripts/patch_mobilefacenet.py applies the patch. The caller checks the result against the manifest.
mobilefacenet_file=mobilefacenet_sf.onnx
mobilefacenet_upstream_sha=f055d9c9a4d826d198c42666590fdefa0fdc1374a75ccb6306c3d1b1bf8f74c5

build_mobilefacenet() {
    local mirror="$1" url="$2" sha="$3" target="$4"
    local upstream="" origin="" candidate candidates=()
    if [ -n "$mirror" ]; then candidates+=("$mirror/upstream/mobilefacenet.onnx" "$mirror/$mobilefacenet_file"); fi
    for candidate in "${candidates[@]}"; do
        if [ -f "$candidate" ] && [ "$(sha_of "$candidate")" = "$mobilefacenet_upstream_sha" ]; then
            upstream="$candidate"
            origin="$candidate"
            break
        fi
    done
    local download="$target.upstream"
    if [ -z "$upstream" ]; then
        rm -f "$download"
        if ! curl -fsSL --retry 2 --connect-timeout 10 -o "$download" "$url" 2>/dev/null; then
            rm -f "$download"
            echo "setup: no upstream $mobilefacenet_file (sha256 $mobilefacenet_upstream_sha) in the mirror '${mirror:-none}', and $url did not answer" >&2
            return 1
        fi
        case "$(sha_of "$download")" in
            "$sha") mv "$download" "$target"; echo "setup: $mobilefacenet_file downloaded from $url"; return 0 ;;
            "$mobilefacenet_upstream_sha") upstream="$download"; origin="$url" ;;
            *)
                rm -f "$download"
                echo "setup: $url gave neither the upstream $mobilefacenet_file (sha256 $mobilefacenet_upstream_sha) nor the patched one" >&2
                return 1
                ;;
        esac
    fi
    if ! install_model_tools || ! "$root/vendor/model-tools/bin/python" "$root/scripts/patch_mobilefacenet.py" "$upstream" "$target"; then
        rm -f "$download" "$target"
        return 1
    fi
    rm -f "$download"
    if [ "$(sha_of "$target")" != "$sha" ]; then
        echo "setup: scripts/patch_mobilefacenet.py built $mobilefacenet_file with sha256 $(sha_of "$target"), not the manifest's $sha" >&2
        rm -f "$target"
        return 1
    fi
    echo "setup: $mobilefacenet_file built from $origin with scripts/patch_mobilefacenet.py"
}

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
        elif [ "$file" = "$mobilefacenet_file" ]; then
            # The URL serves the upstream file: build_mobilefacenet downloads it only if the mirror lacks it.
            if ! build_mobilefacenet "$mirror" "$url" "$sha" "$tmp"; then
                rm -f "$tmp"
                echo "setup: cannot get model $file ($purpose, $license): not in the mirror '${mirror:-none}' with sha256 $sha, and not built from the upstream file" >&2
                failed=1
                continue
            fi
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
        echo "setup: set PROCTOR_MODEL_MIRROR to a folder holding the files above (or, for $mobilefacenet_file, the upstream file as upstream/mobilefacenet.onnx), then run scripts/setup.sh models again" >&2
        exit 1
    fi
    echo "setup: models verified in $root/models"
}

# Models built from the manifest's verified files by a script of this checkout (models/derived.tsv): copied from
# the mirror when it holds the result, else built with the model tools and checked against its sha256. A model
# that cannot be built is reported, not fatal: Proctor falls back to what runs without it.
install_derived_models() {
    [ -f "$root/models/derived.tsv" ] || return 0
    local mirror="${PROCTOR_MODEL_MIRROR:-}"
    if [ -z "$mirror" ] && [ -d "$root/../shared/models" ]; then mirror="$root/../shared/models"; fi
    while IFS=$'\t' read -r file sha source script purpose; do
        case "$file" in ''|'#'*) continue ;; esac
        local target="$root/models/$file"
        if [ -f "$target" ] && [ "$(sha_of "$target")" = "$sha" ]; then continue; fi
        local tmp="$target.part"
        rm -f "$tmp"
        if [ -n "$mirror" ] && [ -f "$mirror/$file" ] && [ "$(sha_of "$mirror/$file")" = "$sha" ]; then
            install -m 0644 "$mirror/$file" "$tmp"
            mv "$tmp" "$target"
            echo "setup: $file copied from $mirror"
            continue
        fi
        if ! install_model_tools || ! "$root/vendor/model-tools/bin/python" "$root/scripts/$script" "$root/models/$source" "$tmp" >/dev/null; then
            rm -f "$tmp"
            echo "setup: could not build $file ($purpose) with scripts/$script; Proctor runs without it" >&2
            continue
        fi
        if [ "$(sha_of "$tmp")" != "$sha" ]; then
            echo "setup: scripts/$script built $file with sha256 $(sha_of "$tmp"), not models/derived.tsv's $sha; Proctor runs without it" >&2
            rm -f "$tmp"
            continue
        fi
        mv "$tmp" "$target"
        echo "setup: $file built from $source with scripts/$script"
    done < "$root/models/derived.tsv"
}

# The contract and fuzz tests' Python tools (schemathesis, the OpenAPI validators), pinned in
# Tests/Contract/requirements.txt, at vendor/venv.
install_contract() {
    python_venv "$root/vendor/venv" "$root/Tests/Contract/requirements.txt" "contract-test tools" schemathesis || exit 1
}

case "$what" in
    all) install_packages; install_models; install_derived_models; install_vad; install_onnxruntime ;;
    packages) install_packages ;;
    models) install_models; install_derived_models; install_vad ;;
    onnxruntime) install_onnxruntime ;;
    contract) install_contract ;;
    model-tools) install_model_tools ;;
    *) echo "usage: scripts/setup.sh [all|packages|models|onnxruntime|contract|model-tools]" >&2; exit 2 ;;
esac

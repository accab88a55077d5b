#!/usr/bin/env bash
# Setup on a machine without the patched MobileFaceNet: runs `scripts/setup.sh models` in a scratch copy of the
# checkout (its scripts and models/manifest.tsv) with PROCTOR_MODEL_MIRROR at a scratch mirror whose
# mobilefacenet_sf.onnx is the untouched upstream file (sha256 f055d9c9…) and whose other files are this checkout's
# verified models. Setup has to build models/mobilefacenet_sf.onnx with scripts/patch_mobilefacenet.py and end up with
# the manifest's sha256; then again from the mirror's upstream/mobilefacenet.onnx, and from the manifest's URL; a
# second run changes nothing; the patch script refuses a file that is not the upstream one. Needs the network only the first time (the pinned
# onnx wheels into vendor/model-tools, which the scratch checkout shares). Takes a few seconds.
#
# The upstream file comes from PROCTOR_MODEL_MIRROR's (default ../shared/models) upstream/mobilefacenet.onnx, or
# from the manifest's URL.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

file=mobilefacenet_sf.onnx
upstream_sha=f055d9c9a4d826d198c42666590fdefa0fdc1374a75ccb6306c3d1b1bf8f74c5
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
fail() { echo "test-model-setup: FAIL: $*" >&2; exit 1; }

sha="$(awk -F'\t' -v f="$file" '$1 == f { print $2 }' models/manifest.tsv)"
url="$(awk -F'\t' -v f="$file" '$1 == f { print $3 }' models/manifest.tsv)"
[ -n "$sha" ] || fail "$file is not in models/manifest.tsv"

# This checkout's models (the scratch mirror's other files) and the model tools (shared with the scratch checkout).
scripts/setup.sh models >/dev/null
scripts/setup.sh model-tools

scratch="$(mktemp -d /tmp/proctor-model-setup.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
mirror="$scratch/mirror"
checkout="$scratch/checkout"
mkdir -p "$mirror" "$checkout/scripts" "$checkout/models" "$checkout/vendor"

source_mirror="${PROCTOR_MODEL_MIRROR:-}"
if [ -z "$source_mirror" ] && [ -d "$root/../shared/models" ]; then source_mirror="$root/../shared/models"; fi
if [ -n "$source_mirror" ] && [ -f "$source_mirror/upstream/mobilefacenet.onnx" ]; then
    cp "$source_mirror/upstream/mobilefacenet.onnx" "$mirror/$file"
else
    curl -fsSL --retry 2 --connect-timeout 10 -o "$mirror/$file" "$url" || fail "no upstream file in '${source_mirror:-none}/upstream', and $url did not answer"
fi
[ "$(sha_of "$mirror/$file")" = "$upstream_sha" ] || fail "the upstream file has sha256 $(sha_of "$mirror/$file"), not $upstream_sha"

while IFS=$'\t' read -r name _ _; do
    case "$name" in ''|'#'*|"$file") continue ;; esac
    mkdir -p "$(dirname "$mirror/$name")"
    cp "models/$name" "$mirror/$name"
done < models/manifest.tsv
if [ -f models/silero_vad.onnx ]; then cp models/silero_vad.onnx "$mirror/"; fi

cp scripts/setup.sh scripts/model_patch.py scripts/patch_mobilefacenet.py scripts/patch_yunet.py scripts/patch_yolox.py scripts/patch_prelu.py scripts/model-tools.requirements.txt "$checkout/scripts/"
cp models/manifest.tsv models/derived.tsv "$checkout/models/"
ln -s "$root/vendor/model-tools" "$checkout/vendor/model-tools"

run_setup() {
    if ! PROCTOR_MODEL_MIRROR="$mirror" "$checkout/scripts/setup.sh" models >"$scratch/setup.log" 2>&1; then
        cat "$scratch/setup.log" >&2
        fail "scripts/setup.sh models failed ($1)"
    fi
}
check_built_from() {
    grep -qF "setup: $file built from $1 with scripts/patch_mobilefacenet.py" "$scratch/setup.log" || {
        cat "$scratch/setup.log" >&2
        fail "setup did not build $file from $1"
    }
    [ "$(sha_of "$checkout/models/$file")" = "$sha" ] || fail "models/$file has sha256 $(sha_of "$checkout/models/$file"), not the manifest's $sha"
    ! ls "$checkout/models/$file".* >/dev/null 2>&1 || fail "setup left $(ls "$checkout/models/$file".*)"
}

# 1. The mirror's mobilefacenet_sf.onnx is the upstream file.
started=$(date +%s%N)
run_setup "upstream file as the mirror's $file"
check_built_from "$mirror/$file"
echo "test-model-setup: $file built from the mirror's upstream $file in $(( ($(date +%s%N) - started) / 1000000 )) ms (sha256 ${sha:0:8}…)"
grep -m1 '^patch_mobilefacenet:' "$scratch/setup.log" || true

# The derived models (models/derived.tsv: YuNet and YOLOX with a free input size) are in no mirror here: setup built
# each with its script, with the listed sha256.
while IFS=$'\t' read -r derived derived_sha derived_source derived_script _; do
    case "$derived" in ''|'#'*) continue ;; esac
    grep -qF "setup: $derived built from $derived_source with scripts/$derived_script" "$scratch/setup.log" || {
        cat "$scratch/setup.log" >&2
        fail "setup did not build $derived"
    }
    [ "$(sha_of "$checkout/models/$derived")" = "$derived_sha" ] || fail "models/$derived has sha256 $(sha_of "$checkout/models/$derived"), not models/derived.tsv's $derived_sha"
    echo "test-model-setup: $derived built by scripts/$derived_script (sha256 ${derived_sha:0:8}…)"
done < models/derived.tsv

# 2. Idempotent: a second run keeps every file and builds nothing.
before="$(sha_of "$checkout/models/$file")"
run_setup "second run"
! grep -E "built from|copied from|downloaded from" "$scratch/setup.log" || fail "the second run did not leave the models alone"
[ "$(sha_of "$checkout/models/$file")" = "$before" ] || fail "the second run changed models/$file"

# 3. The upstream file in the mirror's upstream/ folder, beside nothing called mobilefacenet_sf.onnx.
mkdir -p "$mirror/upstream"
mv "$mirror/$file" "$mirror/upstream/mobilefacenet.onnx"
rm "$checkout/models/$file"
run_setup "upstream file in the mirror's upstream/"
check_built_from "$mirror/upstream/mobilefacenet.onnx"

# 4. No upstream file in the mirror: setup downloads it from the manifest's URL (here a file:// URL in the scratch
#    checkout's manifest, so that the test needs no network).
mkdir -p "$scratch/served"
mv "$mirror/upstream/mobilefacenet.onnx" "$scratch/served/mobilefacenet.onnx"
served="file://$scratch/served/mobilefacenet.onnx"
awk -F'\t' -v OFS='\t' -v f="$file" -v u="$served" '$1 == f { $3 = u } { print }' models/manifest.tsv > "$checkout/models/manifest.tsv"
rm "$checkout/models/$file"
run_setup "upstream file from the URL"
check_built_from "$served"

# 5. The patch script refuses anything but the upstream bytes, and writes nothing then.
cp "$scratch/served/mobilefacenet.onnx" "$scratch/altered.onnx"
printf 'x' | dd of="$scratch/altered.onnx" bs=1 seek=1000 conv=notrunc status=none
if vendor/model-tools/bin/python scripts/patch_mobilefacenet.py "$scratch/altered.onnx" "$scratch/out.onnx" 2>"$scratch/patch.log"; then
    fail "scripts/patch_mobilefacenet.py accepted an altered upstream file"
fi
grep -q "not the upstream file's" "$scratch/patch.log" || { cat "$scratch/patch.log" >&2; fail "unexpected refusal"; }
[ ! -e "$scratch/out.onnx" ] || fail "scripts/patch_mobilefacenet.py wrote a file for an altered upstream file"

# 6. The derived models' patches refuse anything but the official file.
while IFS=$'\t' read -r derived _ derived_source derived_script _; do
    case "$derived" in ''|'#'*) continue ;; esac
    cp "models/$derived_source" "$scratch/altered-$derived_source"
    printf 'x' | dd of="$scratch/altered-$derived_source" bs=1 seek=1000 conv=notrunc status=none
    if vendor/model-tools/bin/python "scripts/$derived_script" "$scratch/altered-$derived_source" "$scratch/out-$derived" 2>"$scratch/patch.log"; then
        fail "scripts/$derived_script accepted an altered official file"
    fi
    [ ! -e "$scratch/out-$derived" ] || fail "scripts/$derived_script wrote a file for an altered official file"
done < models/derived.tsv

echo "test-model-setup: setup builds $file from the upstream file (the mirror's $file, its upstream/, the URL) and the derived models of models/derived.tsv, idempotently"

"""The command-line part the model patch scripts share (scripts/patch_mobilefacenet.py, scripts/patch_yunet.py, scripts/patch_yolox.py,
scripts/patch_prelu.py).

`run(name, source_sha256, patch, expected_sha256)` reads SOURCE, refuses it unless its sha256 is the
official file's (or one of them, for a patch that applies to several), applies `patch` to the parsed model, checks the result with onnx's checker, writes
OUTPUT atomically (a `.part` file renamed) and prints the result's sha256; the caller
(scripts/setup.sh) compares that with the manifest. Nothing is written for a refused file.
"""

import hashlib
import os
import sys
import time
from typing import Callable, Optional

import onnx


def run(name: str, source_sha256, patch: Callable[[onnx.ModelProto], onnx.ModelProto], expected_sha256: Optional[str] = None) -> None:
    if len(sys.argv) != 3:
        raise SystemExit(f"usage: {name}.py SOURCE OUTPUT")
    source, target = sys.argv[1:]
    started = time.monotonic()
    with open(source, "rb") as file:
        data = file.read()
    digest = hashlib.sha256(data).hexdigest()
    accepted = {source_sha256} if isinstance(source_sha256, str) else set(source_sha256)
    if digest not in accepted:
        raise SystemExit(f"{name}: {source} has sha256 {digest}, not the upstream file's {' or '.join(sorted(accepted))}")
    model = patch(onnx.load_from_string(data))
    onnx.checker.check_model(model)
    out = model.SerializeToString()
    partial = target + ".part"
    with open(partial, "wb") as file:
        file.write(out)
    os.replace(partial, target)
    digest = hashlib.sha256(out).hexdigest()
    note = "" if expected_sha256 is None or digest == expected_sha256 else " (NOT the expected patched file)"
    print(f"{name}: {target} sha256 {digest}{note}, {len(out)} bytes in {time.monotonic() - started:.2f} s")

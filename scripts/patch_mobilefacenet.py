#!/usr/bin/env python3
"""Builds models/mobilefacenet_sf.onnx from the upstream MobileFaceNet file (the patch of ../shared/models/MODELS.md §3).

    patch_mobilefacenet.py UPSTREAM OUTPUT

UPSTREAM is placrosse/Zaru's 3rdparty/onnx/mobilefacenet.onnx at 246d88c2… (sha256 f055d9c9…, checked here).
The result is byte-identical to the mirror's patched file (sha256 df298c3a…, checked by scripts/setup.sh
against models/manifest.tsv). Two changes, nothing else:

1. OpenCV 4.6's ONNX importer accepts Clip only with min/max as attributes (opset < 11). Each of the 32
   `Clip(x, min, max)` nodes, whose min and max come from Constant nodes, becomes `Clip(x)` with float
   attributes `min` then `max`; those Constant nodes are removed and the default-domain opset is set to 10.
2. `cv::FaceRecognizerSF::feature()` feeds raw 0..255 RGB, the network wants (x - 127.5) / 127.5:
   unnamed `Sub(input, norm_mean) -> input_centered` and `Mul(input_centered, norm_scale) -> input_normed`
   nodes go first, the nodes that read `input` read `input_normed`, and the float32 scalars
   `norm_mean` = 127.5 and `norm_scale` = 1/127.5 are appended to the initializers.

Node names, order and every other field are kept; the model is serialized with the pinned onnx and protobuf
of scripts/model-tools.requirements.txt (scripts/setup.sh installs them in vendor/model-tools).
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

import model_patch

UPSTREAM_SHA256 = "f055d9c9a4d826d198c42666590fdefa0fdc1374a75ccb6306c3d1b1bf8f74c5"
# The expected result: the mirror's patched file (the manifest's sha256).
PATCHED_SHA256 = "df298c3a331980adce8ae6deccd7469698fe5e99b1b895ae75b186daa1d17209"
CLIPS = 32


def patch(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    constants = {node.output[0]: node for node in graph.node if node.op_type == "Constant"}
    bounds_of_clips = set()
    nodes = []
    for node in graph.node:
        if node.op_type == "Clip":
            if len(node.input) != 3 or node.input[1] not in constants or node.input[2] not in constants:
                raise SystemExit(f"patch_mobilefacenet: {node.name} is not Clip(x, Constant, Constant)")
            low, high = (float(numpy_helper.to_array(constants[name].attribute[0].t)) for name in node.input[1:])
            bounds_of_clips.update(node.input[1:])
            clip = onnx.NodeProto()
            clip.CopyFrom(node)
            del clip.input[1:]
            clip.attribute.extend([helper.make_attribute("min", low), helper.make_attribute("max", high)])
            nodes.append(clip)
        else:
            nodes.append(node)
    clips = sum(node.op_type == "Clip" for node in nodes)
    if clips != CLIPS:
        raise SystemExit(f"patch_mobilefacenet: expected {CLIPS} Clip nodes, found {clips}")
    readers = [node for node in nodes if node.op_type != "Constant" or node.output[0] not in bounds_of_clips]
    if any(name in bounds_of_clips for node in readers if node.op_type != "Clip" for name in node.input):
        raise SystemExit("patch_mobilefacenet: a Clip bound is read by another node")
    for node in readers:
        for index, name in enumerate(node.input):
            if name == "input":
                node.input[index] = "input_normed"
    normalisation = [
        helper.make_node("Sub", ["input", "norm_mean"], ["input_centered"]),
        helper.make_node("Mul", ["input_centered", "norm_scale"], ["input_normed"]),
    ]
    rebuilt = normalisation + [onnx.NodeProto.FromString(node.SerializeToString()) for node in readers]
    del graph.node[:]
    graph.node.extend(rebuilt)
    graph.initializer.append(numpy_helper.from_array(np.array(127.5, dtype=np.float32), "norm_mean"))
    graph.initializer.append(numpy_helper.from_array(np.array(1 / 127.5, dtype=np.float32), "norm_scale"))
    defaults = [opset for opset in model.opset_import if opset.domain in ("", "ai.onnx")]
    if len(defaults) != 1:
        raise SystemExit("patch_mobilefacenet: expected one default-domain opset import")
    defaults[0].version = 10
    return model


if __name__ == "__main__":
    model_patch.run("patch_mobilefacenet", UPSTREAM_SHA256, patch, PATCHED_SHA256)

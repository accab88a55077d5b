#!/usr/bin/env python3
"""Builds models/face_landmark_mediapipe_v1_relu.onnx and models/iris_landmark_relu.onnx from the official MediaPipe
face mesh v1 and iris files, for ONNX Runtime.

    patch_prelu.py OFFICIAL OUTPUT

OFFICIAL is the manifest's face_landmark_mediapipe_v1.onnx or iris_landmark.onnx (sha256 checked here). The mesh's
23 PReLU layers took 61 % of the network's time on ONNX Runtime (one thread, its profiler), and the reorders around
them another 11 % (the iris model's 53: 54 % and 15 %): ONNX
Runtime has no blocked-layout (NCHWc) PReLU, so every one leaves the convolutions' layout and comes back. Each
`PRelu(x, s)` becomes `Relu(x) + (-s) * Relu(-x)`: for x > 0 that is x + (-s) * 0, for x < 0 it is 0 + (-s) * (-x),
so the result is the same number, bit for bit, and every operation has a blocked-layout kernel. The slopes, shaped
[1, C, 1, 1] in the file, are stored negated beside the originals' names.

Nothing else changes; the model is serialized with the pinned onnx and protobuf of scripts/model-tools.requirements.txt,
so the result is the same bytes on every machine (models/derived.tsv holds its sha256).
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

import model_patch

OFFICIAL_SHA256 = {
    "2ece916c568172aafde5d8beaf0198c65b10691a618e551c4b1015a32116e326",  # face_landmark_mediapipe_v1.onnx
    "cb5086d8ef6cd8c8ab6e031e06a8dd7a17631c0f4d5a8bfbd71e35affce5afc5",  # iris_landmark.onnx
}


def patch(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    initializers = {initializer.name: initializer for initializer in graph.initializer}
    nodes = []
    rewritten = 0
    for node in graph.node:
        if node.op_type != "PRelu":
            nodes.append(node)
            continue
        x, slope_name = node.input
        if slope_name not in initializers:
            raise SystemExit(f"patch_prelu: PRelu {node.name} has no constant slope")
        slope = numpy_helper.to_array(initializers[slope_name]).astype(np.float32)
        y = node.output[0]
        negated = slope_name + "_negated"
        graph.initializer.append(numpy_helper.from_array(-slope, negated))
        nodes += [
            helper.make_node("Relu", [x], [y + "_positive"]),
            helper.make_node("Neg", [x], [y + "_flipped"]),
            helper.make_node("Relu", [y + "_flipped"], [y + "_negative"]),
            helper.make_node("Mul", [y + "_negative", negated], [y + "_scaled"]),
            helper.make_node("Add", [y + "_positive", y + "_scaled"], [y]),
        ]
        rewritten += 1
    if rewritten == 0:
        raise SystemExit("patch_prelu: no PRelu to rewrite")
    del graph.node[:]
    graph.node.extend(nodes)
    # The originals' slopes are no longer read.
    used = {name for node in graph.node for name in node.input}
    kept = [initializer for initializer in graph.initializer if initializer.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.value_info[:]
    return model


if __name__ == "__main__":
    model_patch.run("patch_prelu", OFFICIAL_SHA256, patch)

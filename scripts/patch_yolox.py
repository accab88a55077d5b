#!/usr/bin/env python3
"""Builds models/yolox_nano_dynamic.onnx from the official YOLOX-Nano file, for ONNX Runtime.

    patch_yolox.py OFFICIAL OUTPUT

OFFICIAL is Megvii's yolox_nano.onnx of release 0.1.1rc0 (sha256 4903c905…, checked here). Its input is declared
1x3x416x416, so a 640x480 webcam frame, letterboxed into it, spends a quarter of the network on grey padding
(416x312 of picture). The graph is fully convolutional: its three Reshapes flatten each level with -1, its two
Resizes upsample by scales, and the grid offsets are added by the decoder (`YOLOXDecoder`), not in the graph. So
the only change is in the declarations:

1. The input's height and width become the symbolic dimensions `height` and `width`.
2. The output's anchor dimension (3549 at 416x416) becomes the symbolic `anchors`.
3. The stored intermediate shapes (`value_info`, inferred for 416x416) are removed.

Nodes, weights and every other field are kept; the model is serialized with the pinned onnx and protobuf of
scripts/model-tools.requirements.txt, so the result is the same bytes on every machine (models/derived.tsv holds
its sha256). `ObjectDetector` feeds it the frame's own aspect (README, Performance).
"""

import onnx

import model_patch

OFFICIAL_SHA256 = "4903c9058f6e2553834e9905be1ae5d67e262cb6321964dbc57a49edc6fa10da"


def patch(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    if len(graph.input) != 1 or len(graph.output) != 1:
        raise SystemExit("patch_yolox: expected one input and one output")
    dimensions = graph.input[0].type.tensor_type.shape.dim
    if [dimension.dim_value for dimension in dimensions] != [1, 3, 416, 416]:
        raise SystemExit("patch_yolox: the input is not declared 1x3x416x416")
    output = graph.output[0].type.tensor_type.shape.dim
    if [dimension.dim_value for dimension in output] != [1, 3549, 85]:
        raise SystemExit("patch_yolox: the output is not declared 1x3549x85")
    for dimension, name in ((dimensions[2], "height"), (dimensions[3], "width")):
        dimension.ClearField("dim_value")
        dimension.dim_param = name
    output[1].ClearField("dim_value")
    output[1].dim_param = "anchors"
    del graph.value_info[:]
    return model


if __name__ == "__main__":
    model_patch.run("patch_yolox", OFFICIAL_SHA256, patch)

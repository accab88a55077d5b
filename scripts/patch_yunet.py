#!/usr/bin/env python3
"""Builds models/face_detection_yunet_2022mar_dynamic.onnx from the official YuNet 2022mar file, for ONNX Runtime.

    patch_yunet.py OFFICIAL OUTPUT

OFFICIAL is opencv_zoo's face_detection_yunet_2022mar.onnx (sha256 50ef07f7…, checked here). Its input is declared
1x3x120x160, and `cv::FaceDetectorYN` reshapes it to each frame's size; ONNX Runtime refuses any other size than
the declared one. The graph is fully convolutional (its Reshapes read their shapes from Shape nodes), so the only
change is in the declarations:

1. The input's height and width become the symbolic dimensions `height` and `width`.
2. The three outputs' (loc, conf, iou) first dimension becomes the symbolic `priors`.
3. The stored intermediate shapes (`value_info`, inferred for 120x160) are removed.

Nodes, weights and every other field are kept; the model is serialized with the pinned onnx and protobuf of
scripts/model-tools.requirements.txt (scripts/setup.sh installs them in vendor/model-tools), so the result is the
same bytes on every machine (models/derived.tsv holds its sha256). Proctor decodes the outputs itself
(`YuNetDecoder`, exactly as `cv::FaceDetectorYN` of OpenCV 4.6 does).
"""

import onnx

import model_patch

OFFICIAL_SHA256 = "50ef07f702a31741ca46a4c0d947773b64143b9362780237bf0d427d6c79bab7"
OUTPUTS = ["loc", "conf", "iou"]


def patch(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    if len(graph.input) != 1 or [output.name for output in graph.output] != OUTPUTS:
        raise SystemExit(f"patch_yunet: expected one input and the outputs {OUTPUTS}")
    dimensions = graph.input[0].type.tensor_type.shape.dim
    if [dimension.dim_value for dimension in dimensions] != [1, 3, 120, 160]:
        raise SystemExit("patch_yunet: the input is not declared 1x3x120x160")
    for dimension, name in ((dimensions[2], "height"), (dimensions[3], "width")):
        dimension.ClearField("dim_value")
        dimension.dim_param = name
    for output in graph.output:
        first = output.type.tensor_type.shape.dim[0]
        first.ClearField("dim_value")
        first.dim_param = "priors"
    del graph.value_info[:]
    return model


if __name__ == "__main__":
    model_patch.run("patch_yunet", OFFICIAL_SHA256, patch)

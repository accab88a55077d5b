import CProctorVision
import ProctorCore

/// Head pose from face-mesh landmarks: `solvePnP` (SQPNP) against the canonical 3-D face.
///
/// The camera is a pinhole with focal length = frame width and the principal point at the centre,
/// which is what an uncalibrated webcam looks like to within a few degrees of pose.
public struct HeadPoseEstimator: Sendable {
    public let model: CanonicalFaceModel
    /// Landmark indices used for the fit: the rigid part of the face (eyes, brows, nose, cheekbones,
    /// chin, forehead), leaving out lips and jaw, which move when the candidate talks.
    public let landmarkIndices: [Int]

    public init(model: CanonicalFaceModel, landmarkIndices: [Int]? = nil) {
        self.model = model
        self.landmarkIndices = landmarkIndices ?? Array(0..<model.vertices.count)
    }

    public func pose(of landmarks: [Point2], frameWidth: Int, frameHeight: Int) throws(VisionError) -> HeadPose {
        let indices = landmarkIndices.filter { $0 < landmarks.count && $0 < model.vertices.count }
        var objectPoints: [Double] = []
        var imagePoints: [Double] = []
        objectPoints.reserveCapacity(indices.count * 3)
        imagePoints.reserveCapacity(indices.count * 2)
        for i in indices {
            let v = model.vertices[i]
            objectPoints += [v.0, v.1, v.2]
            imagePoints += [landmarks[i].x, landmarks[i].y]
        }
        var rvec = [0.0, 0.0, 0.0]
        var tvec = [0.0, 0.0, 0.0]
        let focal = Double(frameWidth)
        _ = try checked("solvePnP") { status in
            objectPoints.withUnsafeBufferPointer { object in
                imagePoints.withUnsafeBufferPointer { image in
                    rvec.withUnsafeMutableBufferPointer { r in
                        tvec.withUnsafeMutableBufferPointer { t in
                            pv_solve_pnp(
                                object.baseAddress, image.baseAddress, Int32(indices.count), focal,
                                Double(frameWidth) / 2, Double(frameHeight) / 2, 0, r.baseAddress, t.baseAddress, status)
                        }
                    }
                }
            }
        }
        return HeadPose(rotation: RotationMatrix(rodrigues: (rvec[0], rvec[1], rvec[2])))
    }
}

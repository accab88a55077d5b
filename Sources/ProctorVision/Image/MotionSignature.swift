import CProctorVision

/// A blurred greyscale thumbnail of a frame; two of them give the motion score.
///
/// The 21x21 Gaussian blur keeps sensor noise and compression artefacts from reading as motion.
public struct MotionSignature: Sendable {
    let image: Image

    public init(of frame: Image, kernel: Int = 21) throws(VisionError) {
        image = Image(handle: try created("motion signature") { pv_motion_signature(frame.handle, 0, Int32(kernel), $0) })
    }

    /// Mean absolute grey-level difference (0...255); nil when the frames differ in size (a new camera).
    public func score(against previous: MotionSignature) -> Double? {
        var status = pv_status()
        let value = pv_motion_difference(image.handle, previous.image.handle, &status)
        return status.code == PV_OK && value >= 0 ? value : nil
    }
}

import CProctorVision

/// A blurred greyscale thumbnail of a frame; two of them give the motion score.
///
/// The blur keeps sensor noise and compression artefacts from reading as motion.
public struct MotionSignature: Sendable {
    let image: Image

    /// - Parameters:
    ///   - width: shrink to this width first (by area averaging; 0 keeps the size).
    ///   - kernel: the Gaussian blur's size at that width.
    public init(of frame: Image, width: Int = 0, kernel: Int = 21) throws(VisionError) {
        image = Image(handle: try created("motion signature") { pv_motion_signature(frame.handle, Int32(width), Int32(kernel), $0) })
    }

    /// A frame's signature for the sampler: a 160-px thumbnail blurred 5x5 reads the same motion as the
    /// whole 640-px frame blurred 21x21 (the sampler's threshold of 10 was set on that), for a tenth
    /// of the work (`MotionSignatureTests`).
    public static func ofFrame(_ frame: Image) throws(VisionError) -> MotionSignature {
        try MotionSignature(of: frame, width: frameWidth, kernel: frameKernel)
    }

    public static let frameWidth = 160
    public static let frameKernel = 5

    /// Mean absolute grey-level difference (0...255); nil when the frames differ in size (a new camera).
    public func score(against previous: MotionSignature) -> Double? {
        var status = pv_status()
        let value = pv_motion_difference(image.handle, previous.image.handle, &status)
        return status.code == PV_OK && value >= 0 ? value : nil
    }
}

import Foundation

/// Head orientation in degrees.
///
/// Sign convention (the same as the AFLW2000-3D labels in the test data):
/// - `yaw` > 0: the face is turned toward the left side of the image (the subject's own right);
/// - `pitch` > 0: the face looks up;
/// - `roll` > 0: the head tilts so that its top moves toward the right side of the image
///   (clockwise as seen in the image).
/// A frontal face reads (0, 0, 0).
public struct HeadPose: Sendable, Hashable, Codable {
    public var yaw: Double
    public var pitch: Double
    public var roll: Double

    public init(yaw: Double, pitch: Double, roll: Double) {
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
    }

    /// The pose of a head whose model-to-camera rotation is `rotation`, with the face model in
    /// OpenCV camera axes (x right, y down, z into the scene, the nose pointing at the camera).
    ///
    /// The rotation is split as R = Rx(a) · Ry(b) · Rz(c); turning toward image-left is a positive
    /// rotation about the y axis, looking up a negative one about x, so yaw = b, pitch = -a, roll = c.
    public init(rotation r: RotationMatrix) {
        let b = asin(max(-1, min(1, r[0, 2])))
        let a: Double
        let c: Double
        if abs(r[0, 2]) < 0.999_999 {
            a = atan2(-r[1, 2], r[2, 2])
            c = atan2(-r[0, 1], r[0, 0])
        } else {
            // Gimbal lock: roll and pitch are not separable; put it all in pitch.
            a = atan2(r[2, 1], r[1, 1])
            c = 0
        }
        let degrees = 180 / Double.pi
        self.init(yaw: b * degrees, pitch: -a * degrees, roll: c * degrees)
    }
}

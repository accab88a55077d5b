import Foundation
import Testing

@testable import ProctorCore

@Suite("Head pose sign conventions")
struct HeadPoseTests {
    let degrees = Double.pi / 180

    /// Where the nose tip (one unit toward the camera from the head's centre) moves in the image.
    func noseDirection(_ rotation: RotationMatrix) -> (x: Double, y: Double) {
        let nose = rotation.apply((0, 0, -1))
        return (nose.0, nose.1)
    }

    @Test("a frontal face reads zero")
    func frontal() {
        let pose = HeadPose(rotation: .identity)
        #expect(pose.yaw == 0 && pose.pitch == 0 && pose.roll == 0)
    }

    @Test("turning toward the image's left is positive yaw")
    func yawSign() {
        let rotation = RotationMatrix.aboutY(30 * degrees)
        #expect(noseDirection(rotation).x < 0)  // the nose moves to the image's left
        let pose = HeadPose(rotation: rotation)
        #expect(abs(pose.yaw - 30) < 1e-9)
        #expect(abs(pose.pitch) < 1e-9 && abs(pose.roll) < 1e-9)
        // The mirror image reads the opposite yaw.
        #expect(abs(HeadPose(rotation: .aboutY(-30 * degrees)).yaw + 30) < 1e-9)
    }

    @Test("looking up is positive pitch")
    func pitchSign() {
        let rotation = RotationMatrix.aboutX(-20 * degrees)
        #expect(noseDirection(rotation).y < 0)  // the nose moves up in the image (y points down)
        let pose = HeadPose(rotation: rotation)
        #expect(abs(pose.pitch - 20) < 1e-9)
        #expect(abs(pose.yaw) < 1e-9)
    }

    @Test("tilting the head clockwise in the image is positive roll")
    func rollSign() {
        let rotation = RotationMatrix.aboutZ(15 * degrees)
        // The top of the head (y = -1, up) moves toward the image's right.
        let top = rotation.apply((0, -1, 0))
        #expect(top.0 > 0)
        #expect(abs(HeadPose(rotation: rotation).roll - 15) < 1e-9)
    }

    @Test(
        "combined rotations decompose back into their angles",
        arguments: [
            (10.0, -20.0, 5.0), (-40.0, 15.0, -10.0), (60.0, 25.0, 30.0), (-5.0, -35.0, 0.0),
        ])
    func roundTrip(yaw: Double, pitch: Double, roll: Double) {
        let rotation = RotationMatrix.aboutX(-pitch * degrees) * RotationMatrix.aboutY(yaw * degrees) * RotationMatrix.aboutZ(roll * degrees)
        let pose = HeadPose(rotation: rotation)
        #expect(abs(pose.yaw - yaw) < 1e-6)
        #expect(abs(pose.pitch - pitch) < 1e-6)
        #expect(abs(pose.roll - roll) < 1e-6)
    }

    @Test("Rodrigues vectors give the same rotation as OpenCV's convention")
    func rodrigues() {
        let about = RotationMatrix(rodrigues: (0, 0.5, 0))
        let expected = RotationMatrix.aboutY(0.5)
        for i in 0..<9 { #expect(abs(about.values[i] - expected.values[i]) < 1e-12) }
        #expect(RotationMatrix(rodrigues: (0, 0, 0)) == .identity)
    }
}

@Suite("Face-mesh crop transform")
struct AffineTransformTests {
    @Test("the crop maps the face centre to the middle and back")
    func roundTrip() throws {
        let center = Point2(x: 320, y: 200)
        let transform = AffineTransform.squareCrop(center: center, side: 150, angle: 0.3, outputSize: 192)
        let mapped = transform.apply(center)
        #expect(abs(mapped.x - 96) < 1e-9 && abs(mapped.y - 96) < 1e-9)
        let inverse = try #require(transform.inverted)
        let p = Point2(x: 17, y: 150)
        let back = inverse.apply(transform.apply(p))
        #expect(abs(back.x - p.x) < 1e-9 && abs(back.y - p.y) < 1e-9)
    }

    @Test("a tilted eye line becomes level in the crop")
    func levelsEyes() {
        let angle = 0.4
        let center = Point2(x: 100, y: 100)
        let rightEye = Point2(x: center.x - 20 * cos(angle), y: center.y - 20 * sin(angle))
        let leftEye = Point2(x: center.x + 20 * cos(angle), y: center.y + 20 * sin(angle))
        let transform = AffineTransform.squareCrop(center: center, side: 100, angle: angle, outputSize: 192)
        let a = transform.apply(rightEye)
        let b = transform.apply(leftEye)
        #expect(abs(a.y - b.y) < 1e-9)
        #expect(b.x > a.x)
    }
}

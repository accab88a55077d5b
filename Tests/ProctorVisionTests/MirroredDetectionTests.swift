import Foundation
import ProctorCore
import ProctorVision
import Testing

/// The dark path's optional mirrored detection and the face mesh's agreement with the detector.
@Suite("Mirrored detection and the mesh's agreement with the detector")
struct MirroredDetectionTests {
    @Test("a face found on the mirrored input maps back onto the face found directly, sides swapped back")
    func mirroredMapsBack() async throws {
        let bytes = try TestEnvironment.bytes("fairness/images/val_289.jpg")
        let (direct, mirrored, width) = try await pool().run { models in
            let image = try Image.decode(bytes).padded(width: 448, height: 448)
            let offset = Point2(x: 10, y: 20)
            return (
                try models.faceDetector.detect(in: image, offset: offset).first,
                try models.faceDetector.detectMirroredWithCandidates(in: image, offset: offset).faces.first, image.width
            )
        }
        let face = try #require(direct)
        let back = try #require(mirrored)
        #expect(width == 448)
        #expect(abs(face.box.x - back.box.x) < 6 && abs(face.box.y - back.box.y) < 6 && abs(face.box.width - back.box.width) < 6)
        // The subject's right eye stays the right one (on the image's left).
        #expect(back.rightEye.x < back.leftEye.x)
        #expect(hypot(face.rightEye.x - back.rightEye.x, face.rightEye.y - back.rightEye.y) < 6)
        let twice = face.mirrored(width: 448).mirrored(width: 448)
        #expect(abs(twice.box.x - face.box.x) < 1e-9 && zip(twice.keypoints, face.keypoints).allSatisfy { abs($0.x - $1.x) < 1e-9 && $0.y == $1.y })
    }

    @Test("the mesh's five points lie near the detector's on a real face, and far from a displaced box")
    func keypointDeviation() async throws {
        let bytes = try TestEnvironment.bytes("fairness/images/val_289.jpg")
        let (near, far) = try await pool().run { models in
            let image = try Image.decode(bytes).padded(width: 448, height: 448)
            guard let face = try models.faceDetector.detect(in: image).first else { return (nil, nil) as (Double?, Double?) }
            let landmarks = try models.landmarker.landmarks(of: face, in: image)
            var shifted = face
            shifted.keypoints = face.keypoints.map { Point2(x: $0.x + face.box.width / 2, y: $0.y) }
            return (landmarks.keypointDeviation(from: face), landmarks.keypointDeviation(from: shifted))
        }
        #expect(try #require(near) < 0.15)
        #expect(try #require(far) > LowLightConfiguration().confirmationAgreement)
    }
}

import Foundation

/// MediaPipe's canonical 3-D face: vertex i matches face-mesh landmark i.
///
/// The OBJ file is in MediaPipe axes (x right, y up, z toward the viewer, centimetres); the vertices
/// are converted to OpenCV camera axes (x right, y down, z into the scene) as (x, -y, -z).
public struct CanonicalFaceModel: Sendable {
    /// x, y, z per vertex in OpenCV camera axes.
    public let vertices: [(Double, Double, Double)]

    public init(vertices: [(Double, Double, Double)]) {
        self.vertices = vertices
    }

    public init(objFile path: String) throws(VisionError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw VisionError(.modelMissing, "cannot read the 3-D face model \(path)")
        }
        try self.init(objText: text, source: path)
    }

    public init(objText text: String, source: String = "OBJ text") throws(VisionError) {
        var vertices: [(Double, Double, Double)] = []
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("v ") {
            let parts = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard parts.count >= 3 else { throw VisionError(.modelInvalid, "bad vertex line in \(source): \(line)") }
            vertices.append((parts[0], -parts[1], -parts[2]))
        }
        guard vertices.count >= 468 else {
            throw VisionError(.modelInvalid, "\(source) has \(vertices.count) vertices; the face mesh needs 468")
        }
        self.init(vertices: Array(vertices.prefix(468)))
    }
}

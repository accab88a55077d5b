import ProctorCore
import ProctorVision

extension VisionModels {
    /// The candidate's mouth on one frame, for attributing speech (`MouthActivityRule`): faces in
    /// view and the lip opening of the largest, from the face mesh on the preprocessed crop, as the
    /// head pose sees it. Runs on a CV worker.
    public func mouth(in frame: Image, at timestamp: Double, configuration: PipelineConfiguration) throws -> MouthSample {
        let preprocessor = FramePreprocessor(configuration: configuration.preprocessing)
        let prepare = { (image: Image) throws(VisionError) -> Image in try preprocessor.process(image) }
        let faces = try faceDetector.detect(in: frame, preparing: prepare)
        guard let main = faces.first else { return MouthSample(timestamp: timestamp, faceCount: 0, opening: nil) }
        let landmarks = try landmarker.landmarks(of: main, in: frame, preparing: prepare)
        guard landmarks.presence >= configuration.faces.minimumLandmarkPresence, landmarks.points.count > 291 else {
            return MouthSample(timestamp: timestamp, faceCount: faces.count, opening: nil)
        }
        let points = landmarks.points
        let opening = MouthSample.opening(upperLip: points[13], lowerLip: points[14], leftCorner: points[61], rightCorner: points[291])
        return MouthSample(timestamp: timestamp, faceCount: faces.count, opening: opening)
    }
}

import ProctorCore
import ProctorVision

extension VisionModels {
    /// The candidate's mouth on one frame, for attributing speech (`MouthActivityRule`): faces in
    /// view and the lip opening of the largest, from the face mesh on the preprocessed crop, as the
    /// head pose sees it. With `near` (the face of a frame a fraction of a second before) the mesh
    /// runs on that face's place without a new detection, as MediaPipe tracks a face; the detector
    /// runs when there is none or the mesh no longer finds a face there. Runs on a CV worker.
    public func mouth(
        in frame: Image, at timestamp: Double, near previous: DetectedFace? = nil, configuration: PipelineConfiguration
    ) throws -> (sample: MouthSample, face: DetectedFace?) {
        let preprocessor = FramePreprocessor(configuration: configuration.preprocessing)
        let prepare = { (image: Image) throws(VisionError) -> Image in try preprocessor.process(image) }
        let minimum = configuration.faces.minimumLandmarkPresence
        if let previous {
            let landmarks = try landmarker.landmarks(of: previous, in: frame, preparing: prepare)
            if landmarks.presence >= minimum, let opening = MouthSample.opening(of: landmarks.points) {
                return (MouthSample(timestamp: timestamp, faceCount: 1, opening: opening), previous)
            }
        }
        let faces = try faceDetector.detect(in: frame, preparing: prepare)
        guard let main = faces.first else { return (MouthSample(timestamp: timestamp, faceCount: 0, opening: nil), nil) }
        let landmarks = try landmarker.landmarks(of: main, in: frame, preparing: prepare)
        let opening = landmarks.presence >= minimum ? MouthSample.opening(of: landmarks.points) : nil
        return (MouthSample(timestamp: timestamp, faceCount: faces.count, opening: opening), main)
    }
}

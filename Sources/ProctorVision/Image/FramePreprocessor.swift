import CProctorVision
import ProctorCore

/// CLAHE on lightness, bilateral smoothing and gamma, as configured.
public struct FramePreprocessor: Sendable {
    public let configuration: PreprocessingConfiguration

    public init(configuration: PreprocessingConfiguration) {
        self.configuration = configuration
    }

    /// Whether `process` changes anything at all.
    public var isActive: Bool {
        configuration.enabled && (configuration.claheEnabled || configuration.bilateralEnabled || configuration.gamma != 1)
    }

    public func process(_ image: Image) throws(VisionError) -> Image {
        guard isActive else { return image }
        var options = pv_preprocess_options(
            clahe_enabled: configuration.claheEnabled ? 1 : 0,
            clahe_clip_limit: configuration.claheClipLimit,
            clahe_tile_grid: Int32(configuration.claheTileGrid),
            bilateral_enabled: configuration.bilateralEnabled ? 1 : 0,
            bilateral_diameter: Int32(configuration.bilateralDiameter),
            bilateral_sigma_color: configuration.bilateralSigmaColor,
            bilateral_sigma_space: configuration.bilateralSigmaSpace,
            gamma: configuration.gamma
        )
        return Image(handle: try created("preprocessing") { pv_preprocess(image.handle, &options, $0) })
    }
}

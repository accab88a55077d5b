import CProctorVision
import ProctorCore

/// CLAHE on lightness, bilateral smoothing and gamma, as configured; on dark frames also a blur and
/// a brightening gamma first (`adapted(to:)`).
public struct FramePreprocessor: Sendable {
    public let configuration: PreprocessingConfiguration

    public init(configuration: PreprocessingConfiguration) {
        self.configuration = configuration
    }

    /// Whether `process` changes anything at all.
    public var isActive: Bool {
        configuration.enabled
            && (configuration.claheEnabled || configuration.bilateralEnabled || configuration.gamma != 1 || configuration.denoiseKernel > 1
                || configuration.brighteningGamma != 1)
    }

    /// The preprocessing for a frame with this light: itself, or adapted when the frame is dark.
    public func adapted(to light: LightMeasurement) -> FramePreprocessor {
        FramePreprocessor(configuration: LightingRule(configuration: configuration.lowLight).preprocessing(configuration, for: light))
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
            gamma: configuration.gamma,
            denoise_kernel: Int32(configuration.denoiseKernel),
            brighten_gamma: configuration.brighteningGamma
        )
        return Image(handle: try created("preprocessing") { pv_preprocess(image.handle, &options, $0) })
    }
}

import Foundation

/// How much light a frame had, measured on the image the face detector sees (the frame downscaled
/// to the detection width, before preprocessing), without the uniform dark bars of a letterboxed or
/// pillarboxed picture: a portrait camera padded into 640x480 is lit as its picture is, not darker
/// by the share of black around it.
public struct LightMeasurement: Sendable, Hashable, Codable {
    /// Mean grey level, 0...255.
    public var meanLuma: Double
    /// Standard deviation of the sensor noise in grey levels (Immerkær's estimate: it cancels smooth
    /// structure, so edges and textures count little).
    public var noise: Double

    public init(meanLuma: Double, noise: Double) {
        self.meanLuma = meanLuma
        self.noise = noise
    }
}

/// What the light of a frame means for face detection.
public enum LightCondition: String, Sendable, Hashable, Codable {
    /// Enough light: the frame is analysed as it is.
    case good
    /// Dark: what the face detector sees is adapted (denoised, brightened, stronger CLAHE).
    case dark
    /// Too dark or too noisy for reliable face detection, even adapted: a technical condition
    /// (`poor_lighting`), and a missing face counts less.
    case poor
}

/// The light rule: which frames are dark (adapted) and which are poorly lit, and how a dark frame is
/// brightened.
public struct LightingRule: Sendable, Hashable {
    public var configuration: LowLightConfiguration

    public init(configuration: LowLightConfiguration = LowLightConfiguration()) {
        self.configuration = configuration
    }

    /// What the candidate is told in poor light, live and at the camera check: calm, practical words.
    public static let candidateMessage = "It is too dark for the camera: please add light in front of you."

    public func condition(of light: LightMeasurement) -> LightCondition {
        guard configuration.enabled else { return .good }
        if light.meanLuma < configuration.poorLuma || light.noise > configuration.poorNoise { return .poor }
        if light.meanLuma < configuration.darkLuma { return .dark }
        return .good
    }

    /// Why a poorly lit frame is poor, in words for a reviewer; nil when it is not.
    public func reason(for light: LightMeasurement) -> String? {
        guard condition(of: light) == .poor else { return nil }
        if light.meanLuma < configuration.poorLuma {
            return String(format: "Too dark for the camera (brightness %.0f of 255, under %.0f)", light.meanLuma, configuration.poorLuma)
        }
        return String(format: "Too much camera noise (%.1f grey levels, over %.1f)", light.noise, configuration.poorNoise)
    }

    /// The gamma that brings a dark frame's mean luma to `targetLuma`, within 1...`maximumGamma`;
    /// 1 for a frame that is not dark.
    public func brighteningGamma(for light: LightMeasurement) -> Double {
        guard condition(of: light) != .good, configuration.targetLuma > 0, configuration.targetLuma < 255 else { return 1 }
        let mean = min(254, max(1, light.meanLuma))
        // pow(mean / 255, 1 / gamma) = target / 255
        let gamma = log(mean / 255) / log(configuration.targetLuma / 255)
        return min(max(1, configuration.maximumGamma), max(1, gamma))
    }

    /// The preprocessing for a frame with this light: the configured one, adapted when it is dark or poor.
    public func preprocessing(_ base: PreprocessingConfiguration, for light: LightMeasurement) -> PreprocessingConfiguration {
        guard base.enabled, condition(of: light) != .good else { return base }
        var adapted = base
        adapted.denoiseKernel = configuration.denoiseKernel
        adapted.brighteningGamma = brighteningGamma(for: light)
        if configuration.claheClipLimit > 0 {
            adapted.claheEnabled = true
            adapted.claheClipLimit = configuration.claheClipLimit
        }
        if configuration.bilateralDiameter > 0 {
            adapted.bilateralEnabled = true
            adapted.bilateralDiameter = configuration.bilateralDiameter
        }
        return adapted
    }
}

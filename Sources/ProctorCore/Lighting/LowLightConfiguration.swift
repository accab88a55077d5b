/// Dark frames: when they are adapted, when they are too dark for reliable detection, and how.
///
/// Thresholds are in the units of `LightMeasurement`, measured on the face detector's input (the
/// frame downscaled to 320 px). The reasons below come from `proctor bench fairness` on the
/// FairFace dev set (420 faces, padded to 448x448 on grey; README, *Fairness*).
public struct LowLightConfiguration: Sendable, Hashable, Codable {
    public var enabled = true
    /// Below this mean luma a frame is dark and adapted. The dev set as photographed reads 104–142,
    /// dimmed to 35 % 37–50, dark (20 % with noise) 21–28: every dimmed and dark frame is adapted, no
    /// photographed one.
    public var darkLuma = 70.0
    /// Below this mean luma a frame is poorly lit (`poor_lighting`). At 20 % light (21–28) the
    /// detector missed 23 % of Black faces before adaptation and still misses up to 10–15 % after,
    /// while at 35 % (37–50) every group stays at 0.93 or more: the line lies between them.
    public var poorLuma = 32.0
    /// Above this noise (grey levels) a frame is poorly lit whatever its brightness. On the photographed
    /// set Gaussian noise of 12 grey levels measures 3.5–3.7 and costs no face (413 of 420 found, 410
    /// without it), of 16 measures 4.7–4.9 and costs 4: the line lies between them. (The dark recipe's
    /// noise of 6 measures 1.8 at 20 % light: its values are clipped at black.)
    public var poorNoise = 4.5
    /// Dark frames: Gaussian blur of this kernel on the small detector input (and the mesh crop)
    /// before brightening, so that the gamma and CLAHE do not amplify the noise. 5 on 320 px beat 3
    /// and a median; NL-means (h 5–12) was slower and no better.
    public var denoiseKernel = 5
    /// Dark frames are brightened by a gamma that brings their mean luma to this (100 and 110 were
    /// alike; 130 amplified the noise).
    public var targetLuma = 100.0
    /// At most this gamma (a nearly black frame is not stretched without bound).
    public var maximumGamma = 3.0
    /// CLAHE clip limit on dark frames (the default frames use `PreprocessingConfiguration.claheClipLimit`):
    /// 3 after the blur; 4 or more without it amplified the noise.
    public var claheClipLimit = 3.0
    /// Dark frames without a face: a second detection through a Gaussian blur of this kernel (0: none),
    /// whose finds go to the face mesh first. Off: on the dark dev set, accepting what it finds gained 8
    /// faces (Black 0.88 → 0.90, the gap still 10 points) but found a face in a dark empty desk (3 noise
    /// draws of 3); sent through the mesh's confirmation it lost faces (Black 0.85: the mesh confirms one
    /// candidate, and the blurred pass's finds displaced the first pass's better ones). Kept as an option.
    public var secondPassDenoiseKernel = 0
    /// Dark frames without a face at the detector's threshold: the largest candidate down to this YuNet
    /// score is a face when the face mesh confirms it (`confirmationPresence`); 0 switches it off. On
    /// the dark dev set it finds 10 faces more (Black 0.80 → 0.88, the gap 16.7 → 10 points), dimmed 4.
    public var secondPassScore = 0.6
    /// The face mesh's presence a second-pass candidate needs. True faces in the dark often read only
    /// 0.1–0.6 (their crops are noisy); at 0.05 a dark empty desk gave a face, at 0.1 none of 100 views.
    public var confirmationPresence = 0.1

    public init() {}
}

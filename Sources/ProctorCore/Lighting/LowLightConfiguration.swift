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
    /// detector missed 23 % of Black faces before adaptation and still misses up to 7 % after,
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
    /// A second-pass candidate is a face only when the face mesh puts the eyes' centres, nose tip and
    /// mouth corners near the detector's five points: at most this mean distance, as a fraction of the
    /// box's width (0: not checked). The confirmed true faces of the dev set deviate 0.05–0.21 (with the
    /// dark bilateral 0.05–0.16); the face the mesh confirmed in a dark empty desk (1 of 200 noise views)
    /// 0.29. A safety margin against the mesh's low presence, not a tuned cut: it loses no face here.
    public var confirmationAgreement = 0.25
    /// Dark frames: the bilateral filter after CLAHE takes this diameter (0: the frames' default,
    /// `PreprocessingConfiguration.bilateralDiameter`, 5) on the detector's input and the mesh crop,
    /// smoothing the noise the gamma and CLAHE amplified while it keeps the edges of the eyes and
    /// mouth. On the dark dev set (20 % with noise): 5 → 391 faces, Black 53 and Middle Eastern 53 of
    /// 60, gap 10 points; 9 → 399 (8.3); 11, 13 and 15 → 404 (6.7, 6.7, 5.0); 17 → 401. Empty dark
    /// scenes over 10 noise draws (200 views): 1 face at 5, 9, 11 and 13 (none at 13 with
    /// `confirmationAgreement`), 4 at 15. Costs about 9.5 ms p50 more per dark frame at 13 than at 5
    /// (release, 3.4 → 13 ms of preprocessing; README, *Performance*).
    public var bilateralDiameter = 13
    /// Dark frames without a face: the second detection looks at the mirrored input (with the second
    /// pass's blur when `secondPassDenoiseKernel` is set); its finds join the candidates for the face
    /// mesh. Off: alone it found 4 dimmed faces more (413 → 417) and 1 dark one; with the dark bilateral
    /// 2 dimmed and no dark one, for a second detection on every dark frame without a face.
    public var secondPassMirrored = false

    public init() {}
}

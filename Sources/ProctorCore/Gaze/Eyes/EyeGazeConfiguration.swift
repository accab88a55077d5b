/// Eye gaze from the iris: the model, the ratio rules, calibration and the off-screen decision.
public struct EyeGazeConfiguration: Sendable, Hashable, Codable {
    /// Run the iris model on both eyes of the main face.
    public var enabled = true
    /// MediaPipe iris landmarks (64x64 eye crop; 71 eye-contour and 5 iris points).
    public var model = "iris_landmark.onnx"
    /// The same network with its PReLU layers written as ReLUs (built by setup,
    /// `scripts/patch_prelu.py`): the same outputs bit for bit, run on ONNX Runtime whenever that is
    /// the engine and the file is present: 3.3 → 1.5 ms per eye (README, Performance). Empty: `model`.
    public var inferenceModel = "iris_landmark_relu.onnx"
    /// Side of the square eye crop over the corner-to-corner distance (MediaPipe's own ROI).
    public var cropScale = 2.3
    /// `on_change`: the iris model runs only when the eye crops changed (see `EyeSchedule`), at
    /// least every `irisRefreshSeconds`; `every_frame`: on both eyes of every processed frame. One
    /// eye takes about 1.5 ms on this machine (ONNX Runtime, one thread, `inferenceModel` with its
    /// PReLUs written as ReLUs; 3.3 ms with the official file's), so `every_frame` adds about 3 ms
    /// of CPU to every frame with a face.
    public var irisRuns = EyeSchedule.Mode.onChange
    /// `on_change`: the mean absolute grey-level change (0-255, 9x9 blur) of both eye crops since
    /// the last measurement above which the model runs again. On the webcam clip at 2 frames/s the
    /// smaller of the two eyes' changes stays at or below 2.9 while the gaze is steady and is
    /// 4.4-6.9 when the eyes turn away or back (4.7-5.6 from a recorded chunk).
    public var eyeChangeThreshold = 3.5
    /// `on_change`: a steady gaze is measured again after this many seconds (and a measurement is
    /// not carried longer). The change test already catches slow drifts (it compares with the
    /// crops of the last measurement, not of the last frame), so this is a safety net: on the
    /// webcam clip 5 s runs the model on 5 of 31 frames (2 s: 9), with the same findings.
    public var irisRefreshSeconds = 5.0
    /// Eyes narrower than this many pixels corner to corner are not measured: the crop would be
    /// upscaled more than 2x and the iris be a few pixels across. (The webcam clip's eyes are about
    /// 59 px wide, the news clip's about 25 px.)
    public var minimumEyeWidth = 12.0
    /// An eye whose openness (lid gap over eye width) is below this is closed. Open eyes read
    /// 0.30-0.35 on the webcam clip (never below 0.305 in its 368 frames); the half-closed eyes of a
    /// blink on the news clip read 0.12-0.16.
    public var blinkOpenness = 0.15
    /// Openness from which an eye's ratios get full weight; between the two it is weighted down.
    public var fullOpenness = 0.24
    /// The distance from the eye's centre of rotation to the pupil (about 10.5 mm) over the
    /// corner-to-corner width of the eye (about 29 mm): a ratio change of Δ is a turn of asin(Δ / this).
    /// On the webcam clip the sideways glance moves the ratios by 0.13 and 0.09 (right and left eye).
    public var eyeballRadiusRatio = 0.35
    /// How much the head's own turn counts in the on-screen estimate: 1 = gaze is head plus eyes.
    public var headWeight = 1.0
    /// The on-screen range around the calibrated centre, in degrees of the estimate (head and eyes),
    /// when the candidate skipped the calibration step. Left and right 10°: the webcam clip's
    /// sideways glance reads 16-20° from its frames (as they are, or scaled to a 640x480 webcam's
    /// face size) but only 11-13.5° from a recorded chunk (VP8 at 800 kbit/s blurs the iris and the
    /// model's points under-read the turn); its centre segments read within ±8° there (±6°
    /// otherwise). 10° is between the two. It is also about the edge of a 14-inch laptop screen at
    /// 55 cm (±16° of true gaze) as the estimate reads compressed video, so reading at the very edge
    /// of the screen for 1.5 s can be flagged; the calibration step measures the screen instead.
    /// Up 20° and down 25°: nothing is above the camera, but candidates look up while thinking and
    /// down at the keyboard.
    public var range = GazeRange(left: 10, right: 10, up: 20, down: 25)
    /// Automatic calibration: the median of the first this many seconds of usable frames with a
    /// near-frontal head.
    public var calibrationSeconds = 3.0
    /// Fewest frames automatic calibration needs (3 s at the 2 fps heartbeat gives 7).
    public var calibrationMinimumFrames = 4
    /// "Near-frontal" for calibration: |yaw| and |pitch| below this many degrees.
    public var calibrationHeadLimit = 15.0
    /// Explicit calibration: degrees added beyond the measured screen corners. The corners are
    /// measured with the same estimate, so its gain error cancels; the margin covers frame-to-frame
    /// noise (±1.5° on the webcam clip) and a little head movement.
    public var calibrationMargin = 4.0
    /// Explicit calibration: each side of the range stays within these degrees, so that a careless or
    /// gamed calibration neither flags everything nor nothing.
    public var minimumRange = 8.0
    public var maximumRange = 40.0
    /// Eyes off screen once the estimate has stayed outside the range this many seconds: longer than
    /// a glance at the clock or a word on the screen's edge.
    public var offScreenSeconds = 1.5
    /// Back on screen once it has stayed inside (within `returnFraction` of the range) this many
    /// seconds. 0: the first frame clearly back ends it; the extent hysteresis already keeps the
    /// state from flickering, and the episode tracker joins returns shorter than its gap.
    public var onScreenSeconds = 0.0
    /// Hysteresis: once off screen, the estimate must come back inside this fraction of the range.
    public var returnFraction = 0.8
    /// Frames without a usable reading (blinks, lost eyes) hold the state; after this many seconds
    /// without one the state resets to on screen.
    public var maximumGap = 2.0

    public init() {}
}

/// How far gaze may go from the calibrated centre and still be on the screen, in degrees. Left and
/// right are the image's sides (left = the head-pose yaw's positive direction); up and down the
/// candidate's.
public struct GazeRange: Sendable, Hashable, Codable {
    public var left: Double
    public var right: Double
    public var up: Double
    public var down: Double

    public init(left: Double, right: Double, up: Double, down: Double) {
        self.left = left
        self.right = right
        self.up = up
        self.down = down
    }

    /// How far outside the range a direction is: below 1 inside, 1 on the edge, above 1 outside.
    /// `yaw` > 0 toward the image's left, `pitch` > 0 up.
    public func extent(yaw: Double, pitch: Double) -> Double {
        let horizontal = yaw >= 0 ? yaw / max(left, 1e-6) : -yaw / max(right, 1e-6)
        let vertical = pitch >= 0 ? pitch / max(up, 1e-6) : -pitch / max(down, 1e-6)
        return max(horizontal, vertical)
    }
}

import CProctorVision

/// Process-wide OpenCV settings.
public enum OpenCVRuntime {
    public static var version: String { String(cString: pv_opencv_version()) }

    /// Threads OpenCV may use inside one call (cv::setNumThreads; 0 is not "default" there).
    public static func setThreadCount(_ count: Int) {
        pv_set_num_threads(Int32(max(1, count)))
    }

    public static var threadCount: Int { Int(pv_get_num_threads()) }
}

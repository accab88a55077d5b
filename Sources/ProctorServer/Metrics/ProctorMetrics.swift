import CoreMetrics
import Foundation
import ProctorCore

import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The server's metrics, created through swift-metrics with an explicit Prometheus factory (no
/// process-global bootstrap, so several servers can run in one test process).
public struct ProctorMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    let framesReceived: CoreMetrics.Counter
    let framesProcessed: CoreMetrics.Counter
    let framesSkipped: CoreMetrics.Counter
    let framesDropped: CoreMetrics.Counter
    let activeSessions: CoreMetrics.Gauge
    private let residentMemory: CoreMetrics.Gauge
    private let cpuSeconds: CoreMetrics.Gauge

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [1, 2.5, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 1000, 2500].map { .microseconds(Int64($0 * 1000)) }
        self.registry = registry
        self.factory = factory
        framesReceived = Counter(label: "proctor_frames_received_total", factory: factory)
        framesProcessed = Counter(label: "proctor_frames_processed_total", factory: factory)
        framesSkipped = Counter(label: "proctor_frames_skipped_total", factory: factory)
        framesDropped = Counter(label: "proctor_frames_dropped_total", factory: factory)
        activeSessions = Gauge(label: "proctor_active_sessions", factory: factory)
        residentMemory = Gauge(label: "process_resident_memory_bytes", factory: factory)
        cpuSeconds = Gauge(label: "process_cpu_seconds_total", factory: factory)
    }

    /// The factory behind this registry, for parts built before the services that count into the
    /// same `/metrics` (the blob store's requests, bytes and errors).
    public var metricsFactory: any MetricsFactory { factory }

    func error(_ code: ClientMessageError.Code) {
        Counter(label: "proctor_errors_total", dimensions: [("code", code.rawValue)], factory: factory).increment()
    }

    /// Refused or suspicious requests by kind (`login_failed`, `login_rate_limited`, `rate_limited`,
    /// `origin_refused`, `invalid_token`, `expired_token`), for alerting on attacks.
    func security(_ event: String) {
        Counter(label: "proctor_security_events_total", dimensions: [("event", event)], factory: factory).increment()
    }

    /// Per-stage latencies of a processed frame.
    func record(_ metadata: FrameMetadata) {
        let stages = metadata.stages
        for (stage, ms) in [
            ("decode", stages.decodeMs), ("sampling", stages.samplingMs), ("light", stages.lightMs), ("preprocess", stages.preprocessMs),
            ("face_detect", stages.faceDetectMs), ("landmarks_pose", stages.landmarksPoseMs), ("iris", stages.irisMs), ("objects", stages.objectsMs),
            ("behaviour_risk", stages.behaviourRiskMs), ("queue", stages.queueMs), ("frame", metadata.processingTimeMs),
        ] where ms > 0 {
            Timer(label: "proctor_stage_duration", dimensions: [("stage", stage)], factory: factory).recordNanoseconds(Int64(ms * 1_000_000))
        }
    }

    /// The Prometheus text exposition, with process figures read now.
    public func exposition() -> [UInt8] {
        let process = ProcessStatistics.current()
        residentMemory.record(process.residentBytes)
        cpuSeconds.record(process.cpuSeconds)
        return registry.emitToBuffer()
    }
}

/// CPU time and resident memory of this process, from /proc (Linux).
public struct ProcessStatistics: Sendable {
    public var cpuSeconds: Double
    public var residentBytes: Double

    public static func current() -> ProcessStatistics {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var cpu = 0.0
        var rss = 0.0
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: state is field 3; utime 14 and stime 15 (1-based in proc(5)).
            if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) { cpu = (user + system) / ticks }
        }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Double(fields[1]) { rss = pages * pageSize }
        }
        return ProcessStatistics(cpuSeconds: cpu, residentBytes: rss)
    }
}

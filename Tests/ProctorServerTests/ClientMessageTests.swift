import Foundation
import ProctorCore
import Testing

@testable import ProctorServer

@Suite("Client messages, mailbox, limits and episodes")
struct ClientMessageTests {
    @Test("frames parse from JSON with base64 or a data URL")
    func frames() {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9]
        let encoded = Data(jpeg).base64EncodedString()
        #expect(
            ClientMessage.parse(text: #"{"type":"frame","data":"\#(encoded)","timestamp":0}"#, maxFrameBytes: 100)
                == .success(.frame(bytes: jpeg, timestamp: 0)))
        #expect(
            ClientMessage.parse(text: #"{"type":"frame","data":"data:image/jpeg;base64,\#(encoded)"}"#, maxFrameBytes: 100)
                == .success(.frame(bytes: jpeg, timestamp: nil)))
        #expect(
            ClientMessage.parse(text: #"{"type":"frame","data":"\#(encoded)","timestamp":1}"#, maxFrameBytes: 3)
                == .failure(ClientMessageError(.frameTooLarge, "frame is 4 bytes, larger than 3")))
        #expect(ClientMessage.parse(binary: jpeg, maxFrameBytes: 100) == .success(.frame(bytes: jpeg, timestamp: nil)))
    }

    @Test("errors carry the right codes")
    func errors() {
        func code(_ text: String) -> String? {
            if case .failure(let error) = ClientMessage.parse(text: text, maxFrameBytes: 100) { return error.code.rawValue }
            return nil
        }
        #expect(code("nope") == "invalid_json")
        #expect(code("42") == "invalid_json")
        #expect(code("{}") == "missing_field")
        #expect(code(#"{"type":7}"#) == "invalid_field")
        #expect(code(#"{"type":"x"}"#) == "unknown_type")
        #expect(code(#"{"type":"frame","data":""}"#) == "missing_field")
        #expect(code(#"{"type":"frame","data":"%%%"}"#) == "invalid_base64")
        #expect(code(#"{"type":"frame","data":"AAAA","timestamp":true}"#) == "invalid_field")
        #expect(code(#"{"type":"ping"}"#) == nil)
    }

    @Test("the mailbox keeps only the newest frame and counts the rest as dropped")
    func mailbox() async {
        let mailbox = FrameMailbox()
        #expect(await mailbox.put(.init(bytes: [1], timestamp: 1)))
        #expect(await !mailbox.put(.init(bytes: [2], timestamp: 2)))
        #expect(await !mailbox.put(.init(bytes: [3], timestamp: 3)))
        #expect(await mailbox.next()?.timestamp == 3)
        #expect(await mailbox.takeDropped() == 2)
        #expect(await mailbox.takeDropped() == 0)
        await mailbox.close()
        #expect(await mailbox.next() == nil)
    }

    @Test("sliding window limiter")
    func limiter() {
        var limiter = SlidingWindowLimiter(limit: 3, window: 1)
        let first = [limiter.allow(at: 0), limiter.allow(at: 0.1), limiter.allow(at: 0.2)]
        #expect(first == [true, true, true])
        let fourth = limiter.allow(at: 0.3)
        #expect(!fourth)
        let later = limiter.allow(at: 1.05)  // the first has left the window
        #expect(later)
        #expect(limiter.count(at: 1.05) == 3)
    }

    @Test("session ids: letters, digits, - _ . and bounded length")
    func identifiers() {
        #expect(SessionIdentifier.isValid("exam-42_b.c", maximumLength: 128))
        #expect(!SessionIdentifier.isValid("", maximumLength: 128))
        #expect(!SessionIdentifier.isValid("../etc", maximumLength: 128))
        #expect(!SessionIdentifier.isValid("a b", maximumLength: 128))
        #expect(!SessionIdentifier.isValid("é", maximumLength: 128))
        #expect(!SessionIdentifier.isValid(String(repeating: "a", count: 129), maximumLength: 128))
    }

    @Test("episodes: consecutive findings merge, gaps close them, peaks rise")
    func episodes() {
        var tracker = EpisodeTracker(closeAfter: 2)
        var next = 0
        func id() -> String {
            next += 1
            return "e\(next)"
        }
        let phone = { (c: Double) in [Finding(kind: .cellPhone, confidence: c)] }
        #expect(tracker.update(findings: phone(0.5), at: 0, makeId: id).opened.map(\.id) == ["e1"])
        let stronger = tracker.update(findings: phone(0.8), at: 0.5, makeId: id)
        #expect(stronger.opened.isEmpty && stronger.strengthened.first?.peakConfidence == 0.8)
        #expect(tracker.update(findings: [], at: 1.5, makeId: id).isEmpty)  // a 1 s gap keeps it open
        #expect(tracker.update(findings: phone(0.6), at: 2.0, makeId: id).opened.isEmpty)
        let closed = tracker.update(findings: [], at: 4.5, makeId: id).closed
        #expect(closed.count == 1)
        #expect(closed.first?.start == 0 && closed.first?.end == 2.0 && closed.first?.frames == 3 && closed.first?.peakTimestamp == 0.5)
        #expect(tracker.update(findings: phone(0.4), at: 5, makeId: id).opened.map(\.id) == ["e2"])
        #expect(tracker.finish().map(\.id) == ["e2"])
        #expect(tracker.openEpisodes.isEmpty)
    }

    @Test("statistics add up a session")
    func statistics() {
        var statistics = SessionStatistics()
        let calm = RiskAssessment(score: 0, level: .none, violations: [], recommendations: [])
        let busy = RiskAssessment(score: 60, level: .medium, violations: [], recommendations: [])
        statistics.recordProcessed(risk: calm, at: 1)
        statistics.recordProcessed(risk: busy, at: 3)
        statistics.recordSkipped(at: 2)
        statistics.droppedFrames = 2
        #expect(statistics.totalFrames == 5)
        #expect(statistics.averageRisk == 30)
        #expect(statistics.maximumRisk == 60)
        #expect(statistics.highestAlert == .medium)
        #expect(statistics.duration == 2)
    }
}

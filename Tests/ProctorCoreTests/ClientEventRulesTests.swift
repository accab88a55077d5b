import Foundation
import Testing

@testable import ProctorCore

@Suite("Client event rules")
struct ClientEventRulesTests {
    let rules = ClientEventRules()
    let start = 1_800_000_000.0
    var now: Double { start + 600 }

    func event(
        _ kind: ClientEventKind, at offset: Double = 60, duration: Double? = nil, id: String = "e-1",
        details: [String: JSONValue]? = nil
    ) -> ClientEvent {
        ClientEvent(id: id, event: kind, at: (start + offset) * 1000, durationMs: duration, details: details)
    }

    func check(_ event: ClientEvent, detailsBytes: Int = 0) -> Result<ClientEventRules.Outcome, ClientEventRules.Problem> {
        rules.validate(event, sessionStart: start, now: now, detailsBytes: detailsBytes)
    }

    @Test("each kind becomes a finding, a milestone or nothing")
    func outcomes() throws {
        #expect(try check(event(.tabHidden, duration: 12_000)).get() == .finding(.tabHidden))
        #expect(try check(event(.fullscreenExit, duration: 3_000)).get() == .finding(.fullscreenExit))
        #expect(try check(event(.clipboard, details: ["action": "paste", "length": 42])).get() == .finding(.clipboard))
        #expect(try check(event(.cameraLost)).get() == .finding(.cameraLost))
        #expect(try check(event(.cameraRestored)).get() == .milestone)
        #expect(try check(event(.pageReturned)).get() == .milestone)
        #expect(try check(event(.networkOnline)).get() == .milestone)
        #expect(try check(event(.secondScreen, details: ["extended": true])).get() == .finding(.secondScreen))
        #expect(try check(event(.secondScreen, details: ["extended": "unknown"])).get() == .milestone)
        #expect(try check(event(.secondScreen, details: ["extended": false])).get() == .milestone)
        // Every finding kind a page can send is a browser signal with a weight of its own.
        for kind in ClientEventKind.allCases {
            if case .finding(let finding) = try check(event(kind, duration: 5_000, details: ["extended": true, "reason": "refused"])).get() {
                #expect(finding.isBrowserSignal)
                #expect(RiskWeights().points(for: finding) >= 0)
            }
        }
    }

    @Test("a window blur under 2 s is a notification, not a finding")
    func shortBlur() throws {
        guard case .ignored = try check(event(.windowBlur, duration: 1_500)).get() else {
            Issue.record("a 1.5 s blur was kept")
            return
        }
        #expect(try check(event(.windowBlur, duration: 2_000)).get() == .finding(.windowBlur))
        #expect(try check(event(.windowBlur, duration: 9_000)).get() == .finding(.windowBlur))
    }

    @Test("absurd times, durations, ids and oversized details are refused with the field named")
    func refusals() {
        let cases: [(ClientEvent, Int, String)] = [
            (event(.tabHidden, at: -3600), 0, "at"),  // an hour before the session
            (event(.tabHidden, at: 3600), 0, "at"),  // after now + skew
            (event(.tabHidden, duration: -5), 0, "duration_ms"),
            (event(.tabHidden, duration: 10 * 86_400_000), 0, "duration_ms"),
            (event(.tabHidden, at: 500, duration: 3_600_000), 0, "duration_ms"),  // would end in the future
            (event(.tabHidden, id: ""), 0, "id"),
            (event(.tabHidden, id: String(repeating: "x", count: 65)), 0, "id"),
            (event(.tabHidden, id: "bad id/../"), 0, "id"),
            (event(.clipboard), 1_000_000, "details"),
            (ClientEvent(id: "n", event: .tabHidden, at: .nan), 0, "at"),
        ]
        for (event, bytes, field) in cases {
            switch check(event, detailsBytes: bytes) {
            case .success(let outcome): Issue.record("\(event) was accepted as \(outcome)")
            case .failure(let problem): #expect(problem.field == field, "\(event): \(problem.message)")
            }
        }
    }

    @Test("the candidate's notice says what was noted, with the time, in calm words")
    func notices() {
        #expect(ClientEventRules.notice(event(.tabHidden, duration: 12_400)) == "You left the exam tab for 12 s; this has been noted.")
        #expect(ClientEventRules.notice(event(.clipboard)) == "Copying or pasting was noted.")
        #expect(ClientEventRules.notice(event(.cameraRestored)) == nil)
        #expect(ClientEventRules.notice(event(.secondScreen, details: ["extended": "unknown"])) == nil)
    }

    @Test("client events decode from the page's JSON")
    func decoding() throws {
        let json = #"{"id":"abc-1","event":"fullscreen_exit","at":1800000060000,"duration_ms":4000,"details":{"reason":"escape"}}"#
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded = try decoder.decode(ClientEvent.self, from: Data(json.utf8))
        #expect(decoded == ClientEvent(id: "abc-1", event: .fullscreenExit, at: 1_800_000_060_000, durationMs: 4000, details: ["reason": "escape"]))
        #expect(throws: DecodingError.self) { try decoder.decode(ClientEvent.self, from: Data(#"{"id":"a","event":"telepathy","at":1}"#.utf8)) }
    }
}

import Testing

@testable import ProctorCore

@Suite("Review priority and the recording clock")
struct ReviewPriorityTests {
    @Test("a second person outranks many glances; dismissed kinds and accommodations lower the score")
    func ranking() {
        let glances = ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["looking_away": 10], reviewed: false)
        let person = ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["multiple_people": 1, "identity_mismatch": 1], reviewed: false)
        #expect(glances.score == 20 + 5 * 10)  // repeats capped at 5
        #expect(person.score == 80)
        #expect(person < glances)  // sorts first
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: [:], reviewed: false).score == 0)
        #expect(ReviewPriority.compute(maxLiveRisk: 55, eventCounts: ["no_face": 1], reviewed: false).score == 55)
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["multiple_people": 9, "cell_phone": 9], reviewed: false).score == 100)
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["looking_away": 3], reviewed: false, scale: ["looking_away": 0]).score == 0)
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["looking_away": 1], reviewed: false, scale: ["looking_away": 0.5]).score == 10)
    }

    @Test("unreviewed sessions come before reviewed ones, then the higher score")
    func order() {
        let sessions = [
            ReviewPriority(score: 90, reviewed: true), ReviewPriority(score: 10, reviewed: false), ReviewPriority(score: 60, reviewed: false),
        ].sorted()
        #expect(
            sessions == [ReviewPriority(score: 60, reviewed: false), ReviewPriority(score: 10, reviewed: false), ReviewPriority(score: 90, reviewed: true)])
    }

    @Test("wall-clock moments land on the master video through the chunks' start times")
    func wallClock() {
        // Chunks 0, 1 and 3 are in the master (2 is missing); each 10 s long.
        let timeline = RecordingTimeline(chunks: [.init(index: 0, duration: 10), .init(index: 1, duration: 10), .init(index: 3, duration: 10)], lastIndex: 3)
        let starts: [Int: Double] = [0: 1000, 1: 1010.2, 3: 1031]
        #expect(timeline.gaps == [2])
        #expect(timeline.time(wallClock: 990, chunkStarts: starts) == 0)  // before recording began
        #expect(timeline.time(wallClock: 1004, chunkStarts: starts) == 4)
        #expect(abs((timeline.time(wallClock: 1015.2, chunkStarts: starts) ?? 0) - 15) < 1e-9)
        // During the missing chunk: clamped to the end of the last chunk before it.
        #expect(timeline.time(wallClock: 1025, chunkStarts: starts) == 20)
        #expect(timeline.time(wallClock: 1033, chunkStarts: starts) == 22)
        #expect(timeline.time(wallClock: 5000, chunkStarts: starts) == 30)
        #expect(timeline.time(wallClock: 1004, chunkStarts: [:]) == nil)
    }
}

@Suite("Recording timeline edge cases")
struct RecordingTimelineEdgeTests {
    @Test("a session with no chunks has an empty timeline (and does not crash)")
    func empty() {
        let timeline = RecordingTimeline(chunks: [], lastIndex: nil)
        #expect(timeline.gaps.isEmpty && timeline.totalDuration == 0 && timeline.starts.isEmpty)
        #expect(RecordingTimeline(chunks: [], lastIndex: 1).gaps == [0, 1])
    }
}

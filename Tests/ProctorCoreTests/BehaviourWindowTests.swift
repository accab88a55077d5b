import Testing

@testable import ProctorCore

@Suite("Behaviour window")
struct BehaviourWindowTests {
    func frame(_ t: Double, deviation: Bool = false, faces: Int = 1, persons: Int? = 1, items: [String] = []) -> FrameObservation {
        FrameObservation(
            timestamp: t, faceCount: faces, pose: HeadPose(yaw: deviation ? 60 : 0, pitch: 0, roll: 0), isDeviation: deviation,
            deviationDuration: 0, personCount: persons,
            forbiddenItems: items.map { ForbiddenItem(name: $0, confidence: 0.7, box: BoundingBox(x: 0, y: 0, width: 10, height: 10)) }
        )
    }

    @Test("holds the last 30 frames")
    func capacity() {
        var window = BehaviourWindow()
        for i in 0..<45 { window.append(frame(Double(i), deviation: i < 15)) }
        let summary = window.summary
        #expect(summary.windowFrames == 30)
        #expect(summary.deviationFrames == 0)  // the 15 deviating frames have left the window
        #expect(summary.repeatedDeviations == 0)
    }

    @Test("episodes, not frames, count as repeats")
    func episodes() {
        var window = BehaviourWindow(capacity: 30)
        // away, away, back, away, back, back, away  → 3 episodes, 4 frames
        for (i, away) in [true, true, false, true, false, false, true].enumerated() {
            window.append(frame(Double(i), deviation: away))
        }
        let summary = window.summary
        #expect(summary.repeatedDeviations == 3)
        #expect(summary.deviationFrames == 4)
        #expect(summary.repeatedOccurrences == 2)
    }

    @Test("object episodes are counted per class")
    func objectEpisodesPerClass() {
        var window = BehaviourWindow()
        window.append(frame(0, items: ["cell_phone"]))
        window.append(frame(1, items: ["cell_phone", "book"]))
        window.append(frame(2))
        window.append(frame(3, items: ["cell_phone"]))
        let summary = window.summary
        #expect(summary.repeatedObjects == 3)  // phone twice, book once
        #expect(summary.objectFrames == 3)
    }

    @Test("average person count ignores frames before the first object pass")
    func averagePersons() {
        var window = BehaviourWindow()
        window.append(frame(0, persons: nil))
        window.append(frame(1, persons: 1))
        window.append(frame(2, persons: 2))
        #expect(window.summary.averagePersonCount == 1.5)
    }

    @Test("pattern score is the share of frames with any finding")
    func patternScore() {
        var window = BehaviourWindow()
        window.append(frame(0))
        window.append(frame(1, deviation: true))
        window.append(frame(2, faces: 0))
        window.append(frame(3, persons: 2))
        #expect(window.summary.patternScore == 0.75)
    }

    @Test("the summary text names what happened")
    func summaryText() {
        var window = BehaviourWindow()
        #expect(window.summary.text == "No frames analysed yet")
        window.append(frame(0))
        #expect(window.summary.text == "No suspicious pattern in the last 1 frame")
        window.append(frame(1, deviation: true))
        window.append(frame(2, items: ["book"]))
        let text = window.summary.text
        #expect(text.contains("1 looking-away episode (1 frames)"))
        #expect(text.contains("1 forbidden-object episode"))
    }
}

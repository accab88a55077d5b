import ProctorCore
import Testing

/// Feeds 32 ms windows with the given probabilities, each repeated `count` times.
private func segments(_ runs: [(Double, Int)], segmenter: SpeechSegmenter = SpeechSegmenter()) -> [SpeechSegment] {
    var segmenter = segmenter
    let window = 0.032
    var time = 0.0
    for (probability, count) in runs {
        for _ in 0..<count {
            segmenter.add(probability: probability, at: time, duration: window)
            time += window
        }
    }
    return segmenter.finish(at: time)
}

@Suite("Speech segments")
struct SpeechSegmenterTests {
    @Test("speech starts at the on threshold and ends at the last window above the off threshold")
    func hysteresis() {
        // 1 s quiet, 1 s speech at 0.9, then 0.4 (between off and on: still speech), then quiet.
        let found = segments([(0.1, 31), (0.9, 31), (0.4, 10), (0.1, 31)])
        #expect(found.count == 1)
        let segment = try! #require(found.first)
        #expect(abs(segment.start - 0.992) < 0.001)
        // 0.4 is above the off threshold: the segment runs through those windows.
        #expect(abs(segment.end - 0.992 - 41 * 0.032) < 0.001)
        #expect(!segment.reachesEnd)
        #expect(segment.probability > 0.7)
    }

    @Test("probabilities between the thresholds never start speech")
    func belowOn() {
        #expect(segments([(0.1, 10), (0.45, 60), (0.1, 10)]).isEmpty)
    }

    @Test("pauses shorter than the merge gap stay inside one segment; longer ones split it")
    func gaps() {
        // 0.22 s pause (7 windows) < 0.3 s: one segment.
        #expect(segments([(0.9, 20), (0.1, 7), (0.9, 20), (0.1, 20)]).count == 1)
        // 0.48 s pause (15 windows) > 0.3 s: two.
        let two = segments([(0.9, 20), (0.1, 15), (0.9, 20), (0.1, 20)])
        #expect(two.count == 2)
        #expect(abs((two.first?.end ?? 0) - 20 * 0.032) < 0.001)
    }

    @Test("speech shorter than the minimum is dropped, unless it runs into the end of the audio")
    func minimum() {
        // 0.16 s of speech (5 windows) < 0.25 s.
        #expect(segments([(0.1, 10), (0.9, 5), (0.1, 20)]).isEmpty)
        let cut = segments([(0.1, 10), (0.9, 5)])
        #expect(cut.count == 1)
        #expect(cut.first?.reachesEnd == true)
    }

    @Test("the thresholds and durations come from the configuration")
    func configured() {
        var configuration = AudioConfiguration()
        configuration.onThreshold = 0.8
        configuration.offThreshold = 0.6
        #expect(segments([(0.1, 10), (0.7, 40), (0.1, 10)], segmenter: configuration.segmenter).isEmpty)
        #expect(segments([(0.1, 10), (0.9, 40), (0.1, 10)], segmenter: configuration.segmenter).count == 1)
    }
}

@Suite("Whose voice: the mouth rule")
struct MouthActivityRuleTests {
    let rule = MouthActivityRule()
    let segment = SpeechSegment(start: 1, end: 3, probability: 0.9)

    func samples(_ openings: [Double?], faces: Int = 1) -> [MouthSample] {
        openings.enumerated().map { MouthSample(timestamp: 1 + Double($0.offset) * 0.125, faceCount: faces, opening: $0.element) }
    }

    @Test("a moving mouth is the candidate talking")
    func talking() {
        let verdict = rule.verdict(for: segment, samples: samples([0.02, 0.15, 0.05, 0.2, 0.03, 0.18, 0.08, 0.12]))
        #expect(verdict.kind == .talking)
        #expect(verdict.confidence > 0.8)
    }

    @Test("a still, closed mouth with a face in view is someone else's voice")
    func otherVoice() {
        let verdict = rule.verdict(for: segment, samples: samples([0.01, 0.012, 0.011, 0.009, 0.01, 0.013, 0.01, 0.011]))
        #expect(verdict.kind == .otherVoice)
        #expect(verdict.confidence > 0.8)
        #expect((verdict.movement ?? 1) < 0.01)
    }

    @Test("a mouth held open (a long vowel) is talking even when it barely moves")
    func heldOpen() {
        #expect(rule.verdict(for: segment, samples: samples([0.2, 0.21, 0.2, 0.22, 0.2, 0.21])).kind == .talking)
    }

    @Test("no face in view, or too few frames with one: speech with no face")
    func noFace() {
        #expect(rule.verdict(for: segment, samples: samples([nil, nil, nil, nil], faces: 0)).kind == .speechNoFace)
        let mostlyEmpty = samples([nil, nil, nil, nil], faces: 0) + [MouthSample(timestamp: 2, faceCount: 1, opening: 0.01)]
        #expect(rule.verdict(for: segment, samples: mostlyEmpty).kind == .speechNoFace)
        #expect(rule.verdict(for: segment, samples: []).kind == .speechNoFace)
    }

    @Test("confidence follows the voice model: a doubtful segment is a doubtful finding")
    func confidence() {
        let doubtful = SpeechSegment(start: 1, end: 3, probability: 0.55)
        let still = samples([0.01, 0.01, 0.01, 0.01, 0.01, 0.01])
        #expect(rule.verdict(for: doubtful, samples: still).confidence < rule.verdict(for: segment, samples: still).confidence)
        // Fewer frames: less sure of a still mouth.
        #expect(rule.verdict(for: segment, samples: Array(still.prefix(1))).confidence < rule.verdict(for: segment, samples: still).confidence)
    }

    @Test("the lip opening is the inner lips' distance over the mouth's width")
    func opening() {
        let value = MouthSample.opening(
            upperLip: Point2(x: 50, y: 40), lowerLip: Point2(x: 50, y: 46), leftCorner: Point2(x: 30, y: 43), rightCorner: Point2(x: 70, y: 43))
        #expect(abs((value ?? 0) - 0.15) < 1e-9)
        #expect(
            MouthSample.opening(upperLip: Point2(x: 0, y: 0), lowerLip: Point2(x: 0, y: 1), leftCorner: Point2(x: 5, y: 5), rightCorner: Point2(x: 5, y: 5))
                == nil)
    }
}

@Suite("Joining speech across chunks")
struct SpanJoinerTests {
    @Test("pieces of one kind within the gap join; other kinds and far pieces do not")
    func join() {
        let spans = [
            SpanJoiner.Span(id: "a", kind: "other_voice", start: 2.5, end: 4.0),
            SpanJoiner.Span(id: "b", kind: "other_voice", start: 4.05, end: 7.6),
            SpanJoiner.Span(id: "c", kind: "other_voice", start: 12, end: 13),
            SpanJoiner.Span(id: "d", kind: "talking", start: 7.7, end: 9),
        ]
        let groups = SpanJoiner.groups(spans, maximumGap: 0.4)
        #expect(groups.map { $0.map(\.id) }.sorted { $0[0] < $1[0] } == [["a", "b"], ["c"], ["d"]])
    }
}

@Suite("Audio in the finding model")
struct AudioFindingTests {
    @Test("audio kinds weigh 10, 30, 25 in review priority, and an accommodation switches talking off")
    func weights() {
        let weights = RiskWeights()
        #expect(weights.points(for: .talking) == 10)
        #expect(weights.points(for: .otherVoice) == 30)
        #expect(weights.points(for: .speechNoFace) == 25)
        #expect(ViolationKind.otherVoice.isAudioSignal && !ViolationKind.noFace.isAudioSignal)
        let readAloud = ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["talking": 3], reviewed: false, scale: ["talking": 0])
        #expect(readAloud.score == 0)
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["other_voice": 1], reviewed: false).score == 30)
        #expect(Accommodation(candidateId: "c", scales: ["talking": 0]).problems.isEmpty)
    }

    @Test("no sound from the page is a milestone, a finding only where the exam requires sound; the reason must be known")
    func audioUnavailableEvent() {
        let rules = ClientEventRules()
        let now = 1_800_000_000.0
        func event(_ reason: String) -> ClientEvent {
            ClientEvent(id: "a-1", event: .audioUnavailable, at: now * 1000, details: ["reason": .string(reason)])
        }
        #expect(try! rules.validate(event("refused"), sessionStart: now - 10, now: now, detailsBytes: 20).get() == .milestone)
        #expect(try! rules.validate(event("lost"), sessionStart: now - 10, now: now, detailsBytes: 20, audio: .required).get() == .finding(.audioUnavailable))
        #expect(try! rules.validate(event("policy_off"), sessionStart: now - 10, now: now, detailsBytes: 20, audio: .off).get() == .milestone)
        guard case .failure(let problem) = rules.validate(event("bored"), sessionStart: now - 10, now: now, detailsBytes: 20) else {
            Issue.record("an unknown reason was accepted")
            return
        }
        #expect(problem.field == "details")
    }

    @Test("audio policies: only off leaves the microphone alone")
    func policy() {
        #expect(AudioPolicy.on.capturesAudio && AudioPolicy.required.capturesAudio && !AudioPolicy.off.capturesAudio)
        #expect(AudioConfiguration().defaultPolicy == .on)
    }
}

import Testing

@testable import ProctorCore

@Suite("Finding confidence")
struct FindingConfidenceTests {
    let gaze = GazeConfiguration()
    let identity = IdentityConfiguration()

    @Test("looking away: just past the threshold is a coin toss, fully turned is sure, a failed mesh in between")
    func lookingAway() {
        #expect(FindingConfidence.lookingAway(yaw: gaze.yawThreshold + 0.1, pitch: 0, configuration: gaze) < 0.51)
        #expect(FindingConfidence.lookingAway(yaw: -90, pitch: 0, configuration: gaze) == 1)
        #expect(FindingConfidence.lookingAway(yaw: 0, pitch: 60, configuration: gaze) == 1)
        let halfway = FindingConfidence.lookingAway(yaw: (gaze.yawThreshold + 90) / 2, pitch: 0, configuration: gaze)
        #expect(abs(halfway - 0.75) < 0.001)
        #expect(FindingConfidence.lookingAway(yaw: nil, pitch: nil, configuration: gaze) == 0.75)
    }

    @Test("identity: zero at the match threshold, growing with the distance below it, one for unrelated faces")
    func identityStrength() {
        #expect(FindingConfidence.identity(similarity: identity.matchThreshold, configuration: identity) == 0)
        let near = FindingConfidence.identity(similarity: identity.matchThreshold - 0.05, configuration: identity)
        let far = FindingConfidence.identity(similarity: 0.05, configuration: identity)
        #expect(near > 0 && near < far && far < 1)
        #expect(FindingConfidence.identity(similarity: -0.2, configuration: identity) == 1)
    }

    @Test("people: the second face's or body's score; no face: half as sure in poor light")
    func peopleAndNoFace() {
        #expect(FindingConfidence.multiplePeople(secondFaceScore: 0.93, secondPersonScore: 0.41) == 0.93)
        #expect(FindingConfidence.multiplePeople(secondFaceScore: nil, secondPersonScore: 0.62) == 0.62)
        #expect(FindingConfidence.noFace(poorLighting: true) == 0.5 * FindingConfidence.noFace(poorLighting: false))
    }

    @Test("an episode: one frame is at most a half, the share of frames counts, never 0 or 1")
    func episode() {
        #expect(FindingConfidence.episode(strength: 1, frames: 1, lookedAt: 1) == 0.5)
        #expect(FindingConfidence.episode(strength: 1, frames: 3, lookedAt: 3) == 0.88)
        #expect(FindingConfidence.episode(strength: 1, frames: 30, lookedAt: 30) == 0.99)
        #expect(FindingConfidence.episode(strength: 1, frames: 10, lookedAt: 20) < FindingConfidence.episode(strength: 1, frames: 10, lookedAt: 10))
        #expect(FindingConfidence.episode(strength: 0.6, frames: 10, lookedAt: 10) < FindingConfidence.episode(strength: 0.9, frames: 10, lookedAt: 10))
        #expect(FindingConfidence.episode(strength: 0, frames: 5, lookedAt: 5) == 0.01)
        #expect(FindingConfidence.episode(strength: 1, frames: 0, lookedAt: 0) == 0.01)
    }

    @Test("the tracker counts the frames an episode missed while it lasted, not those after it")
    func trackerShare() throws {
        var tracker = EpisodeTracker(closeAfter: 2)
        var counter = 0
        let id = {
            counter += 1
            return "e\(counter)"
        }
        let seen = [Finding(kind: .multiplePeople, confidence: 0.9)]
        // Seen, missed, seen, seen: 3 of 4 frames; then missed until it closes.
        var closed: [ViolationEpisode] = []
        for (time, findings) in [(0.0, seen), (0.5, []), (1.0, seen), (1.5, seen), (2.0, []), (2.5, []), (3.0, []), (4.0, [])] {
            closed += tracker.update(findings: findings, at: time, makeId: id).closed
        }
        closed += tracker.finish()
        let episode = try #require(closed.first)
        #expect(episode.frames == 3)
        #expect(episode.lookedAt == 4)
        #expect(abs(episode.strength - 0.9) < 1e-9)
        #expect(episode.confidence == FindingConfidence.episode(strength: 0.9, frames: 3, lookedAt: 4))
    }

    @Test("the risk scorer's frame confidences come from the measures, not constants")
    func scorer() {
        let scorer = RiskScorer()
        let quiet = BehaviourWindow().summary
        let turned = FrameObservation(
            timestamp: 0, faceCount: 2, pose: HeadPose(yaw: 60, pitch: 0, roll: 0), isDeviation: true, deviationDuration: 1, personCount: 2,
            forbiddenItems: [], lookingAwayStrength: 0.66, secondFaceScore: 0.91, secondPersonScore: 0.7)
        let risk = scorer.assess(turned, behaviour: quiet)
        #expect(risk.violations.first { $0.kind == .lookingAway }?.confidence == 0.66)
        #expect(risk.violations.first { $0.kind == .multiplePeople }?.confidence == 0.91)
        let dark = FrameObservation(
            timestamp: 0, faceCount: 0, pose: nil, isDeviation: false, deviationDuration: 0, personCount: 0, forbiddenItems: [], lightCondition: .poor)
        #expect(scorer.assess(dark, behaviour: quiet).violations.first { $0.kind == .noFace }?.confidence == 0.5)
    }
}

@Suite("Identity check")
struct IdentityCheckTests {
    @Test("checks at its interval, reports while the last check said different, and recovers on a match")
    func cadence() throws {
        var check = IdentityCheck(interval: 2, configuration: IdentityConfiguration())
        #expect(check.isDue(at: 0))
        #expect(check.finding(at: 0) == nil)
        check.record(0.1, at: 0)
        #expect(!check.isDue(at: 1.5))
        #expect(check.isDue(at: 2))
        let mismatch = try #require(check.finding(at: 1))
        #expect(mismatch.kind == .identityMismatch)
        #expect(mismatch.confidence == FindingConfidence.identity(similarity: 0.1, configuration: IdentityConfiguration()))
        check.record(0.8, at: 2)
        #expect(check.finding(at: 2.5) == nil)
        #expect(check.lowestSimilarity == 0.1)
        #expect(check.lowestVerdict == .different)
        // A new stream (time went backwards) checks at once.
        #expect(check.isDue(at: 0.5))
    }
}

@Suite("Incidents")
struct IncidentGroupingTests {
    typealias Span = IncidentGrouping.Span

    @Test("findings overlapping in time are one incident; a chain of overlaps too; a lone finding is none")
    func grouping() {
        let spans = [
            Span(id: "people", start: 13.0, end: 22.1), Span(id: "identity", start: 13.4, end: 21.9),
            Span(id: "phone", start: 30, end: 31), Span(id: "away-1", start: 40, end: 45), Span(id: "away-2", start: 44.8, end: 50),
            Span(id: "voice", start: 49.7, end: 52),
        ]
        let incidents = IncidentGrouping.incidents(spans)
        #expect(incidents.map(\.memberIds) == [["people", "identity"], ["away-1", "away-2", "voice"]])
        #expect(incidents[0].id == "incident-people")
        #expect(incidents[0].start == 13.0 && incidents[0].end == 22.1)
        #expect(incidents[1].end == 52)
    }

    @Test("within the slack counts as overlapping, beyond it does not; a zero-length finding joins the span it falls in")
    func slack() {
        #expect(IncidentGrouping.incidents([Span(id: "a", start: 0, end: 5), Span(id: "b", start: 5.4, end: 8)]).count == 1)
        #expect(IncidentGrouping.incidents([Span(id: "a", start: 0, end: 5), Span(id: "b", start: 5.6, end: 8)]).isEmpty)
        #expect(IncidentGrouping.incidents([Span(id: "a", start: 0, end: 5), Span(id: "paste", start: 3, end: 3)]).first?.memberIds == ["a", "paste"])
    }

    @Test("an incident's decision: the common one, none, or mixed")
    func decision() {
        #expect(IncidentGrouping.decision(of: [.confirmed, .confirmed]) == .confirmed)
        #expect(IncidentGrouping.decision(of: [.dismissed, .dismissed]) == .dismissed)
        #expect(IncidentGrouping.decision(of: [nil, nil]) == nil)
        #expect(IncidentGrouping.decision(of: [.confirmed, nil]) == .mixed)
        #expect(IncidentGrouping.decision(of: [.confirmed, .dismissed]) == .mixed)
    }
}

@Suite("Joining pieces across chunks")
struct CrossChunkJoinTests {
    @Test("pieces join only from the same or the next chunk: a missing chunk between them keeps them apart")
    func adjacency() {
        let spans = [
            SpanJoiner.Span(id: "a", kind: "multiple_people", start: 13, end: 19.5, chunk: 0),
            SpanJoiner.Span(id: "b", kind: "multiple_people", start: 19.6, end: 22.1, chunk: 1),
            // Chunk 2 is missing: chunk 3 follows chunk 1 directly on the video clock.
            SpanJoiner.Span(id: "c", kind: "multiple_people", start: 22.3, end: 25, chunk: 3),
        ]
        #expect(SpanJoiner.groups(spans, maximumGap: 2.1).map { $0.map(\.id) } == [["a", "b"], ["c"]])
    }
}

import Testing

@testable import ProctorCore

@Suite("Job state machine and recording timeline")
struct JobStateTests {
    let policy: JobPolicy = {
        var policy = JobPolicy()
        policy.maximumAttempts = 3
        policy.initialBackoff = 2
        policy.maximumBackoff = 5
        policy.leaseSeconds = 30
        return policy
    }()

    @Test("queued → running → done")
    func happyPath() throws {
        let queued = JobState(runAfter: 10)
        #expect(!queued.isClaimable(at: 9))
        let running = try #require(queued.claimed(at: 10, policy: policy))
        #expect(running.status == .running && running.attempts == 1 && running.leaseExpiresAt == 40)
        #expect(running.claimed(at: 20, policy: policy) == nil)  // leased to someone else
        #expect(running.heartbeat(at: 35, policy: policy)?.leaseExpiresAt == 65)
        #expect(running.completed().status == .done)
        #expect(!running.completed().isClaimable(at: 1000))
    }

    @Test("failures retry with growing backoff, then fail for good")
    func retries() throws {
        var state = JobState()
        var delays: [Double] = []
        var now = 100.0
        for attempt in 1...3 {
            #expect(state.claimed(at: now - 0.5, policy: policy) == nil || attempt == 1)  // not before its time
            now = max(now, state.runAfter)
            state = try #require(state.claimed(at: now, policy: policy))
            #expect(state.attempts == attempt)
            state = state.failed(at: now, error: "boom \(attempt)", policy: policy)
            if state.status == .queued { delays.append(state.runAfter - now) }
        }
        #expect(delays == [2, 4])
        #expect(state.status == .failed)
        #expect(state.lastError == "boom 3")
        #expect(policy.backoff(afterAttempt: 10) == 5)
    }

    @Test("an expired lease lets another worker take the job")
    func expiredLease() throws {
        let running = try #require(JobState().claimed(at: 0, policy: policy))
        #expect(!running.isClaimable(at: 29))
        let reclaimed = try #require(running.claimed(at: 31, policy: policy))
        #expect(reclaimed.attempts == 2)
    }

    @Test("a deferred job does not use up an attempt")
    func deferred() throws {
        let running = try #require(JobState().claimed(at: 0, policy: policy))
        let waiting = running.deferred(until: 5)
        #expect(waiting.status == .queued && waiting.attempts == 0 && waiting.runAfter == 5)
    }

    @Test("the timeline places chunks end to end and reports gaps")
    func timeline() {
        let timeline = RecordingTimeline(
            chunks: [
                .init(index: 0, duration: 20), .init(index: 1, duration: 19.5), .init(index: 3, duration: 20), .init(index: 4, duration: nil),
            ], lastIndex: 5)
        #expect(timeline.time(chunk: 0, offset: 3) == 3)
        #expect(timeline.time(chunk: 1, offset: 1) == 21)
        #expect(timeline.time(chunk: 3, offset: 0) == 39.5)
        #expect(timeline.time(chunk: 2, offset: 0) == nil)
        #expect(timeline.gaps == [2, 4, 5])
        #expect(timeline.totalDuration == 59.5)
    }

    @Test("reference photo rules, in order")
    func referenceRules() {
        let rules = ReferencePhotoRules(minimumFaceSize: 60, minimumBrightness: 40, minimumSharpness: 15)
        #expect(rules.problem(faces: 0, faceSide: 0, brightness: 0, sharpness: 0)?.code == "no_face")
        #expect(rules.problem(faces: 2, faceSide: 200, brightness: 120, sharpness: 100)?.code == "multiple_faces")
        #expect(rules.problem(faces: 1, faceSide: 40, brightness: 120, sharpness: 100)?.code == "face_too_small")
        #expect(rules.problem(faces: 1, faceSide: 200, brightness: 20, sharpness: 100)?.code == "too_dark")
        #expect(rules.problem(faces: 1, faceSide: 200, brightness: 120, sharpness: 5)?.code == "too_blurry")
        #expect(rules.problem(faces: 1, faceSide: 200, brightness: 120, sharpness: 100) == nil)
    }
}

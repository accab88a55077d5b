import Testing

@testable import ProctorCore

@Suite("Session state: what the dashboard calls a session")
struct SessionStateTests {
    typealias Facts = SessionState.Facts

    @Test("an invitation nobody opened is invited, not active")
    func invited() {
        #expect(SessionState(Facts(recorded: true)) == .invited)
        // Opened but consent not given yet: still invited.
        #expect(SessionState(Facts(recorded: true, consented: false, pendingChunks: 0)) == .invited)
    }

    @Test("consented and not streaming is waiting; connected is live")
    func waitingAndLive() {
        #expect(SessionState(Facts(recorded: true, consented: true)) == .waiting)
        #expect(SessionState(Facts(recorded: true, consented: true, live: true)) == .live)
        #expect(SessionState(Facts(recorded: true, consented: true, live: true, lastIndex: 3, pendingChunks: 2)) == .live)
        // Between connections, with pieces still being analysed.
        #expect(SessionState(Facts(recorded: true, consented: true, lastIndex: 2, pendingChunks: 1)) == .processing)
    }

    @Test("after the end: processing until finalized; nothing to process is ended")
    func afterTheEnd() {
        #expect(SessionState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: 4)) == .processing)
        #expect(SessionState(Facts(recorded: true, consented: true, live: true, endRequested: true, lastIndex: 4)) == .processing)
        #expect(SessionState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: nil)) == .ended)
        #expect(SessionState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: -1)) == .ended)
        #expect(SessionState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: 4, finalized: true)) == .finalized)
        #expect(SessionState(Facts(recorded: true, consented: true, finalized: true)) == .finalized)
        // The finalize job gave up: nothing more will happen, so it is not "processing" for ever.
        #expect(SessionState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: 4, finalizeFailed: true)) == .ended)
        #expect(SessionState.needsJobState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: 4)))
        #expect(!SessionState.needsJobState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: nil)))
        #expect(!SessionState.needsJobState(Facts(recorded: true, consented: true, endRequested: true, lastIndex: 4, finalized: true)))
    }

    @Test("a live-only session is live while connected, then ended; it is never finalized")
    func liveOnly() {
        #expect(SessionState(Facts(recorded: false, live: true)) == .live)
        #expect(SessionState(Facts(recorded: false)) == .ended)
        #expect(SessionState(Facts(recorded: false, finalized: true)) == .ended)
    }

    @Test("chunks are worth counting only for a consented, unfinished, unconnected recording")
    func chunkCount() {
        #expect(SessionState.needsChunkCount(Facts(recorded: true, consented: true)))
        #expect(!SessionState.needsChunkCount(Facts(recorded: true)))
        #expect(!SessionState.needsChunkCount(Facts(recorded: true, consented: true, live: true)))
        #expect(!SessionState.needsChunkCount(Facts(recorded: true, consented: true, endRequested: true)))
        #expect(!SessionState.needsChunkCount(Facts(recorded: false)))
    }
}

import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    @Test("No-face findings seen in poor lighting are counted apart for the ranking, without dismissed ones", arguments: Backend.all)
    func poorLightingNoFaceCounts(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createRecording(F.recording("p1"), session: F.session("p1"))
            try await store.createRecording(F.recording("p2"), session: F.session("p2"))
            var dark = F.event("dark", "p1", chunk: 0, offset: 1, type: .noFace)
            dark.details.poorLighting = true
            var darkDismissed = F.event("dark-dismissed", "p1", chunk: 0, offset: 4, type: .noFace)
            darkDismissed.details.poorLighting = true
            darkDismissed.decision = .dismissed
            let lit = F.event("lit", "p1", chunk: 0, offset: 7, type: .noFace)
            var lighting = F.event("lighting", "p1", chunk: 0, offset: 1, type: .poorLighting)
            lighting.details.poorLighting = true  // not a no_face: not counted
            try await store.replaceFindings(sessionId: "p1", chunkIndex: 0, with: [dark, darkDismissed, lit, lighting])
            try await store.replaceFindings(sessionId: "p2", chunkIndex: 0, with: [F.event("other", "p2", chunk: 0, offset: 0, type: .noFace)])
            #expect(try await store.openPoorLightingNoFaceCounts(sessionIds: ["p1", "p2"], sources: [.recorded]) == ["p1": 1])
            #expect(try await store.openPoorLightingNoFaceCounts(sessionIds: ["p1"], sources: [.live]) == [:])
            #expect(try await store.openPoorLightingNoFaceCounts(sessionIds: [], sources: [.recorded]) == [:])
            #expect(try await store.findings(sessionId: "p1").first { $0.id == "dark" }?.details.poorLighting == true)
        }
    }
}

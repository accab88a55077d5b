import Foundation
import ProctorCore
import Testing

@Suite("Protection rules: segment layout, live tickets, data permissions, master key text")
struct ProtectionRulesTests {
    let layout = SegmentedCipherLayout(segmentSize: 100)

    @Test("sizes: header + plaintext + 28 bytes per segment, and back; an empty blob is one empty segment")
    func sizes() {
        #expect(layout.ciphertextSize(plaintextSize: 0) == 16 + 28)
        #expect(layout.ciphertextSize(plaintextSize: 100) == 16 + 100 + 28)
        #expect(layout.ciphertextSize(plaintextSize: 101) == 16 + 101 + 56)
        for size in [0, 1, 99, 100, 101, 250, 1000, 12_345] {
            #expect(layout.plaintextSize(ciphertextSize: layout.ciphertextSize(plaintextSize: size)) == size, "\(size)")
        }
        // A file cut inside a segment's overhead has no plaintext size (truncated).
        #expect(layout.plaintextSize(ciphertextSize: 16 + 10) == nil)
        #expect(layout.plaintextSize(ciphertextSize: 16 + 128 + 5) == nil)
        #expect(layout.plaintextSize(ciphertextSize: 3) == nil)
    }

    @Test("a range needs only the segments that hold it, and each segment's place in the file is exact")
    func ranges() {
        #expect(layout.segments(covering: 0..<1) == 0...0)
        #expect(layout.segments(covering: 99..<101) == 0...1)
        #expect(layout.segments(covering: 100..<200) == 1...1)
        #expect(layout.segments(covering: 150..<420) == 1...4)
        #expect(layout.sealedRange(segment: 0, plaintextSize: 250) == 16..<144)
        #expect(layout.sealedRange(segment: 2, plaintextSize: 250) == (16 + 256)..<(16 + 256 + 50 + 28))
        #expect(layout.plainLength(segment: 2, plaintextSize: 250) == 50)
        #expect(layout.sealedRange(segment: 2, plaintextSize: 250).upperBound == layout.ciphertextSize(plaintextSize: 250))
    }

    @Test("the header names the layout; other bytes (a JPEG, a WebM) are not a header")
    func header() {
        #expect(SegmentedCipherLayout.parse(header: layout.header) == layout)
        #expect(layout.header.count == SegmentedCipherLayout.headerSize)
        #expect(SegmentedCipherLayout.parse(header: [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 12)) == nil)
        #expect(SegmentedCipherLayout.parse(header: [0x1A, 0x45, 0xDF, 0xA3] + [UInt8](repeating: 0, count: 12)) == nil)
        #expect(SegmentedCipherLayout.parse(header: SegmentedCipherLayout.magic) == nil, "too short")
        // Associated data differs by key, index and last flag.
        let a = SegmentedCipherLayout.associatedData(key: "sessions/a/master.webm", segment: 1, isLast: false)
        #expect(a != SegmentedCipherLayout.associatedData(key: "sessions/b/master.webm", segment: 1, isLast: false))
        #expect(a != SegmentedCipherLayout.associatedData(key: "sessions/a/master.webm", segment: 2, isLast: false))
        #expect(a != SegmentedCipherLayout.associatedData(key: "sessions/a/master.webm", segment: 1, isLast: true))
    }

    @Test("a live ticket opens its own session before it expires")
    func tickets() {
        let rule = LiveTicketRule(lifetime: 30)
        let issued = Date(timeIntervalSince1970: 1000)
        let expiry = rule.expiry(issuedAt: issued)
        #expect(expiry == Date(timeIntervalSince1970: 1030))
        #expect(rule.refusal(ticketSession: "s", expiresAt: expiry, for: "s", now: issued.addingTimeInterval(29)) == nil)
        #expect(rule.refusal(ticketSession: "s", expiresAt: expiry, for: "s", now: issued.addingTimeInterval(30)) == .expired)
        #expect(rule.refusal(ticketSession: "s", expiresAt: expiry, for: "t", now: issued) == .otherSession)
    }

    @Test("only owner-only modes keep the data: 0700 and 0600 pass, 0755 and 0644 are refused with the fix")
    func permissions() {
        #expect(DataPermissionRule.problem(path: "/d", mode: 0o700, isFolder: true, what: "data folder") == nil)
        #expect(DataPermissionRule.problem(path: "/d/f", mode: 0o600, isFolder: false, what: "file") == nil)
        let folder = DataPermissionRule.problem(path: "/d", mode: 0o40755, isFolder: true, what: "data folder")
        #expect(folder?.contains("mode 0755") == true && folder?.contains("chmod 700 /d") == true, "\(folder ?? "")")
        #expect(folder?.contains("server.allow_shared_data_permissions") == true)
        #expect(DataPermissionRule.problem(path: "/d/f", mode: 0o644, isFolder: false, what: "file")?.contains("chmod 600") == true)
        #expect(DataPermissionRule.problem(path: "/d", mode: 0o750, isFolder: true, what: "data folder") != nil)
    }

    @Test("a master key is 64 hex digits or base64 of 32 bytes; anything else is refused with the reason")
    func masterKeyText() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 % 256) }
        #expect(try MasterKeyText.parse(MasterKeyText.format(bytes)).get() == bytes)
        #expect(try MasterKeyText.parse(" \(MasterKeyText.format(bytes))\n").get() == bytes)
        #expect(try MasterKeyText.parse(Data(bytes).base64EncodedString()).get() == bytes)
        #expect(throws: MasterKeyText.ParseError.self) { try MasterKeyText.parse("abc").get() }
        #expect(throws: MasterKeyText.ParseError.self) { try MasterKeyText.parse(String(repeating: "z", count: 64)).get() }
    }
}

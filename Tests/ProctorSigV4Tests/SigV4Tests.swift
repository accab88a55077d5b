import Foundation
import ProctorSigV4
import Testing

/// AWS's worked examples for S3 ("Signature Calculations for the Authorization Header" and
/// "Authenticating Requests: Using Query Parameters"): the example key pair, 24 May 2013, us-east-1.
@Suite struct SigV4Tests {
    static let signer = SigV4Signer(
        credentials: SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    /// 2013-05-24T00:00:00Z.
    static let date = Date(timeIntervalSince1970: 1_369_353_600)

    @Test func getObjectWithRangeMatchesAWSExample() {
        let request = SigV4Request(
            method: "GET", path: "/test.txt",
            headers: [(name: "Host", value: "examplebucket.s3.amazonaws.com"), (name: "Range", value: "bytes=0-9")])
        let headers = Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        let authorization = headers.first { $0.name == "authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.first { $0.name == "x-amz-date" }?.value == "20130524T000000Z")
    }

    @Test func canonicalRequestOfTheRangeExample() {
        let request = SigV4Request(
            method: "GET", path: "/test.txt",
            headers: [
                (name: "Host", value: "examplebucket.s3.amazonaws.com"), (name: "Range", value: "bytes=0-9"),
                (name: "x-amz-content-sha256", value: SigV4Signer.emptyPayloadHash), (name: "x-amz-date", value: "20130524T000000Z"),
            ])
        let canonical = Self.signer.canonicalRequest(request, payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(
            canonical.text == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            Self.signer.stringToSign(canonicalRequest: canonical.text, date: Self.date) == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """)
    }

    @Test func presignedGetMatchesAWSExample() {
        let request = SigV4Request(method: "GET", path: "/test.txt", headers: [(name: "host", value: "examplebucket.s3.amazonaws.com")])
        let query = Self.signer.presignedQuery(request, date: Self.date, expires: 86400)
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func encodingFollowsRFC3986() {
        #expect(SigV4Signer.encode("a b/c~d*e") == "a%20b%2Fc~d%2Ae")
        #expect(SigV4Signer.encodePath("sessions/a b/x.webm") == "/sessions/a%20b/x.webm")
        #expect(SigV4Signer.canonicalQuery([("prefix", "p/"), ("list-type", "2"), ("uploads", "")]) == "list-type=2&prefix=p%2F&uploads=")
    }

    @Test func timestampsAreUTC() {
        let signer = Self.signer
        let request = SigV4Request(method: "GET", path: "/", headers: [(name: "host", value: "h")])
        // 2024-02-29T23:59:59Z, a leap day.
        let headers = signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_709_251_199))
        #expect(headers.first { $0.name == "x-amz-date" }?.value == "20240229T235959Z")
    }

    @Test func credentialsNeverPrintTheSecret() {
        #expect(!"\(Self.signer.credentials)".contains("EXAMPLEKEY"))
    }
}

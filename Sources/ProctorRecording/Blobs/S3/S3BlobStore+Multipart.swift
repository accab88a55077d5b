import Foundation
import NIOCore

extension S3BlobStore {
    /// S3's most parts per upload.
    static let maximumParts = 10_000

    /// Bytes per part for a file of `size`: `partSize`, or more when that would need over 10,000 parts.
    func partSize(for size: Int) -> Int {
        max(partSize, (size + Self.maximumParts - 1) / Self.maximumParts)
    }

    /// A multipart upload of `file`: create, send the parts one by one (each read from disk on the
    /// thread pool, so at most one part is in memory), complete with the parts' ETags. Any failure
    /// aborts the upload so no half-made object or stored parts are left behind.
    func uploadInParts(_ object: String, file: URL, size: Int) async throws {
        let created = try await client.send("create_multipart", method: .POST, key: object, query: [("uploads", "")])
        let createdXML = String(buffer: try await created.body.collect(upTo: S3Client.maximumDocumentBytes))
        guard let uploadId = S3XML.first("UploadId", in: createdXML), !uploadId.isEmpty else {
            throw S3Error.malformed(operation: "create_multipart", message: "no UploadId in the answer")
        }
        do {
            let partSize = partSize(for: size)
            var etags: [String] = []
            var offset = 0
            while offset < size {
                let count = min(partSize, size - offset)
                let start = offset
                let part = try await threadPool.runIfActive { () -> Data in
                    let handle = try FileHandle(forReadingFrom: file)
                    defer { try? handle.close() }
                    try handle.seek(toOffset: UInt64(start))
                    return try handle.read(upToCount: count) ?? Data()
                }
                guard part.count == count else { throw BlobError.io("\(file.lastPathComponent) changed while it was uploaded") }
                let number = etags.count + 1
                let answer = try await client.send(
                    "upload_part", method: .PUT, key: object, query: [("partNumber", "\(number)"), ("uploadId", uploadId)], body: ByteBuffer(bytes: part))
                guard let etag = answer.headers.first(name: "etag") else {
                    throw S3Error.malformed(operation: "upload_part", message: "no ETag for part \(number)")
                }
                etags.append(etag)
                offset += count
            }
            let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
            let document = "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>"
            let completed = try await client.send(
                "complete_multipart", method: .POST, key: object, query: [("uploadId", uploadId)], headers: [("content-type", "application/xml")],
                body: ByteBuffer(string: document))
            // S3 may answer 200 and still report an error in the body (it fails after the headers).
            let answer = String(buffer: try await completed.body.collect(upTo: S3Client.maximumDocumentBytes))
            if answer.contains("<Error>") {
                throw S3Error.from(operation: "complete_multipart", status: 200, body: answer, key: object)
            }
        } catch {
            _ = try? await client.send("abort_multipart", method: .DELETE, key: object, query: [("uploadId", uploadId)], accept: [404])
            throw error
        }
    }
}

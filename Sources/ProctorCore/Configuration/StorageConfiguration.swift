/// Where blobs (chunks, batches, master videos, photos, evidence) are kept.
public struct StorageConfiguration: Sendable, Hashable, Codable {
    /// `files`: a folder under the data directory (one machine, or a shared mount). `s3`: any
    /// S3-compatible bucket, so servers and workers on many machines share no disk. Files is the
    /// default because it needs nothing else to run.
    public var backend = StorageBackend.files
    public var s3 = S3StorageConfiguration()

    public init() {}
}

/// The kinds of blob store.
public enum StorageBackend: String, Sendable, Hashable, Codable, CaseIterable {
    case files
    case s3
}

/// An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph RGW, OpenStack Swift's s3api).
public struct S3StorageConfiguration: Sendable, Hashable, Codable {
    /// Base URL of the service, e.g. `https://s3.eu-west-1.amazonaws.com` or
    /// `https://<account>.r2.cloudflarestorage.com`. No default: a bucket is always somewhere chosen.
    public var endpoint = ""
    public var bucket = ""
    /// The signing region; `us-east-1` is what AWS calls its default and what most other services
    /// accept (R2 takes `auto`).
    public var region = "us-east-1"
    public var accessKeyId = ""
    /// Prefer `PROCTOR_STORAGE__S3__SECRET_ACCESS_KEY` or `secret_access_key_file` to writing the
    /// secret into a configuration file; it is never logged or printed (`proctor config` hides it).
    public var secretAccessKey = ""
    /// A file holding the secret (its first line), readable by the owner only (mode 0600): for
    /// deployments that mount secrets as files. Used when `secret_access_key` is empty.
    public var secretAccessKeyFile = ""
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`. On by default:
    /// self-hosted servers (MinIO, Ceph, Swift) and loopback endpoints have no per-bucket DNS names.
    public var pathStyle = true
    /// Folder inside the bucket for this deployment's keys (e.g. `proctor/`), so one bucket can serve
    /// several; empty uses the bucket's root.
    public var prefix = ""
    /// Video playback redirects the browser to a short-lived presigned URL instead of streaming
    /// through the server. Off by default: streaming through the server keeps access control and
    /// the audit log in one place and works with encryption at rest; on suits large deployments
    /// whose bucket is close to the reviewers (saves the server's bandwidth).
    public var presignVideo = false
    /// How long a presigned video URL works, seconds: long enough to watch and seek a session, short
    /// enough that a copied link soon stops working.
    public var presignSeconds = 900
    /// Attempts per request on 5xx answers and timeouts (never on 4xx, which another try cannot fix).
    public var maxAttempts = 4
    /// Seconds before a request without an answer counts as timed out; generous because a part of a
    /// multipart upload is up to a few MiB.
    public var requestTimeoutSeconds = 60.0

    public init() {}
}

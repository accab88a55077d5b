import Foundation
import ProctorCore

extension S3StorageConfiguration {
    /// The secret access key: `secret_access_key` (from the environment or the file), else the
    /// first line of `secret_access_key_file`, which must be readable by its owner only (0600 or
    /// 0400) so a secret on disk is not readable by every user of the machine.
    public func resolvedSecretAccessKey() throws -> String {
        if !secretAccessKey.isEmpty { return secretAccessKey }
        guard !secretAccessKeyFile.isEmpty else {
            throw S3Error.configuration("no secret: set PROCTOR_STORAGE__S3__SECRET_ACCESS_KEY or storage.s3.secret_access_key_file")
        }
        var info = stat()
        guard stat(secretAccessKeyFile, &info) == 0 else {
            throw S3Error.configuration("cannot read storage.s3.secret_access_key_file \(secretAccessKeyFile)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw S3Error.configuration(
                "storage.s3.secret_access_key_file \(secretAccessKeyFile) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let contents = FileManager.default.contents(atPath: secretAccessKeyFile),
            let line = String(decoding: contents, as: UTF8.self).split(whereSeparator: \.isNewline).first, !line.isEmpty
        else {
            throw S3Error.configuration("storage.s3.secret_access_key_file \(secretAccessKeyFile) is empty")
        }
        return line.trimmingCharacters(in: .whitespaces)
    }
}

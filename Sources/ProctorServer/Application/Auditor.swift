import Foundation
import Logging
import ProctorCore
import ProctorStore

/// Appends to the audit log for the routes: who did what to which thing, from where. A failure is
/// logged and never fails the request it records.
struct Auditor: Sendable {
    let accounts: any AccountStore
    let logger: Logger

    func record(_ caller: Caller?, _ action: String, target: String, details: [String: JSONValue] = [:], context: ProctorRequestContext? = nil) async {
        let entry = AuditRecord(
            at: Date(), actor: caller?.name ?? "anonymous", role: caller?.role.rawValue ?? "none", action: action,
            target: target, details: details, ip: context?.clientAddress ?? "")
        do {
            try await accounts.appendAudit([entry])
        } catch {
            logger.error("audit entry \(action) \(target) not written: \(error)")
        }
    }
}

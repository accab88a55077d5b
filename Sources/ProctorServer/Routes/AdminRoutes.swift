import Foundation
import Hummingbird
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore

/// What only admins do: accounts, accommodation profiles, the audit log, and deleting sessions.
struct AdminRoutes {
    let accounts: any AccountStore
    let auditor: Auditor
    let blobs: any BlobStore
    let configuration: ProctorConfiguration
    let privacy: any PrivacyStore
    let store: any SessionStore

    init(services: ProctorServices) {
        accounts = services.accounts
        auditor = services.auditor
        blobs = services.blobs
        configuration = services.configuration
        privacy = services.privacy
        store = services.store
    }

    func register(on router: Router<ProctorRequestContext>) {
        router.get("api/users", use: listUsers)
        router.post("api/users", use: createUser)
        router.patch("api/users/{id}", use: updateUser)
        router.get("api/accommodations", use: listAccommodations)
        router.put("api/accommodations", use: saveAccommodation)
        router.get("api/audit", use: audit)
        router.delete("api/sessions/{id}", use: deleteSession)
    }

    @Sendable func listUsers(_ request: Request, context: ProctorRequestContext) async throws -> UserListResponse {
        try context.require(.manageUsers)
        return UserListResponse(users: try await accounts.users().map(UserResponse.init))
    }

    struct CreateUserRequest: Decodable {
        var username: String
        var password: String
        var role: Role
    }

    @Sendable func createUser(_ request: Request, context: ProctorRequestContext) async throws -> Answer<UserResponse> {
        let caller = try context.require(.manageUsers)
        let body = try await RequestBody.decode(CreateUserRequest.self, from: request)
        let user = try await AccountAdministration.createUser(
            username: body.username, password: body.password, role: body.role,
            store: accounts, configuration: configuration)
        await auditor.record(
            caller, "user_created", target: user.id, details: ["username": .string(user.username), "role": .string(user.role.rawValue)],
            context: context)
        return Answer(.created, UserResponse(user))
    }

    struct UpdateUserRequest: Decodable {
        var disabled: Bool?
        var role: Role?
        var password: String?
    }

    @Sendable func updateUser(_ request: Request, context: ProctorRequestContext) async throws -> UserResponse {
        let caller = try context.require(.manageUsers)
        let id = try context.parameters.require("id")
        let body = try await RequestBody.decode(UpdateUserRequest.self, from: request)
        guard var user = try await accounts.user(id: id) else { throw APIError(.notFound, .notFound, "no user \(id)") }
        if id == caller.id, body.disabled == true || (body.role != nil && body.role != .admin) {
            throw APIError(.conflict, .selfLockout, "you cannot disable or demote your own account")
        }
        if let disabled = body.disabled { user.disabledAt = disabled ? Date() : nil }
        if let role = body.role {
            try AccountAdministration.validate(role: role)
            user.role = role
        }
        if let password = body.password {
            user.passwordHash = try await AccountAdministration.hash(password: password, configuration: configuration)
        }
        try await accounts.updateUser(user)
        await auditor.record(
            caller, "user_updated", target: user.id,
            details: ["disabled": .bool(user.disabledAt != nil), "role": .string(user.role.rawValue), "password_changed": .bool(body.password != nil)],
            context: context)
        return UserResponse(user)
    }

    @Sendable func listAccommodations(_ request: Request, context: ProctorRequestContext) async throws -> AccommodationListResponse {
        try context.require(.manageAccommodations)
        let profiles = try await accounts.accommodations()
        return AccommodationListResponse(accommodations: profiles.map(AccommodationResponse.init))
    }

    @Sendable func saveAccommodation(_ request: Request, context: ProctorRequestContext) async throws -> AccommodationResponse {
        let caller = try context.require(.manageAccommodations)
        let profile = try await RequestBody.decode(Accommodation.self, from: request)
        guard profile.problems.isEmpty else { throw APIError(.badRequest, .invalidField, profile.problems.joined(separator: "; ")) }
        try await accounts.saveAccommodation(profile)
        await auditor.record(
            caller, "accommodation_saved", target: profile.candidateId,
            details: ["exam_id": .string(profile.examId ?? ""), "scales": JSONValue(profile.scales)], context: context)
        return AccommodationResponse(profile)
    }

    @Sendable func audit(_ request: Request, context: ProctorRequestContext) async throws -> AuditListResponse {
        try context.require(.readAudit)
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit", as: Int.self) ?? 200, 1), 1000)
        let entries = try await accounts.audit(
            limit: limit, before: query.get("before", as: Int64.self),
            action: query.get("action"), target: query.get("target"))
        return AuditListResponse(entries: entries.map(AuditEntryResponse.init))
    }

    /// Deletes a session and everything captured in it: files first, then rows, so a crash in between
    /// leaves rows that point at nothing (and a retry finishes), never files nobody can find.
    @Sendable func deleteSession(_ request: Request, context: ProctorRequestContext) async throws -> DeletedSessionResponse {
        let caller = try context.require(.deleteSessions)
        let id = try context.parameters.require("id")
        guard let overview = try await store.session(id), let target = try await privacy.purgeTarget(sessionId: overview.session.id) else {
            throw APIError(.notFound, .notFound, "no session \(id)")
        }
        let files = try await DataEraser(blobs: blobs).erase(target, wholeSession: true)
        _ = try await privacy.deleteSession(sessionId: target.sessionId)
        await auditor.record(caller, "delete_session", target: target.sessionId, details: ["files_deleted": JSONValue(files)], context: context)
        return DeletedSessionResponse(id: target.sessionId, filesDeleted: files)
    }
}

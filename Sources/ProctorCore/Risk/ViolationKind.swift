/// The kinds of finding the system flags, shared by live analysis, recorded events and review.
public enum ViolationKind: String, Sendable, Hashable, Codable, CaseIterable {
    case lookingAway = "looking_away"
    /// The eyes (with the head) stayed outside the calibrated on-screen range.
    case eyesOffScreen = "eyes_off_screen"
    case noFace = "no_face"
    case multiplePeople = "multiple_people"
    case cellPhone = "cell_phone"
    case book
    case laptop
    /// Another forbidden class from a custom class map.
    case forbiddenObject = "forbidden_object"
    case identityMismatch = "identity_mismatch"
    case repeatedBehaviour = "repeated_behaviour"

    /// The kind for a forbidden class name from the class map.
    public init(forbiddenItem name: String) {
        self = ViolationKind(rawValue: name).flatMap { [.cellPhone, .book, .laptop].contains($0) ? $0 : nil } ?? .forbiddenObject
    }

    public var title: String {
        switch self {
        case .lookingAway: "Looking away from the screen"
        case .eyesOffScreen: "Eyes off the screen"
        case .noFace: "No face in view"
        case .multiplePeople: "More than one person in view"
        case .cellPhone: "Mobile phone in view"
        case .book: "Book in view"
        case .laptop: "Laptop in view"
        case .forbiddenObject: "Forbidden object in view"
        case .identityMismatch: "Face does not match the reference photo"
        case .repeatedBehaviour: "Repeated suspicious behaviour"
        }
    }
}

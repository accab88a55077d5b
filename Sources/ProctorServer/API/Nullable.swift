/// An optional field that is written as `null` when it has no value, instead of being left out:
/// clients of the API (and its schema) see every documented key.
@propertyWrapper
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    /// Explicit: a property wrapper is initialised through `init(wrappedValue:)`, which a synthesized
    /// memberwise initialiser does not provide (hence `UseSynthesizedInitializer` is off in .swift-format).
    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

import Foundation

/// The parts of `labels.json` the accuracy tests use.
struct Labels: Decodable {
    struct Item: Decodable {
        var file: String
        var task: String
        var groundTruth: GroundTruth
        var notes: String?
    }

    struct GroundTruth: Decodable {
        var yawDeg: Double?
        var pitchDeg: Double?
        var rollDeg: Double?
        var lookingAway: Bool?
        var faces: Int?
        var facesVisible: Int?
        var persons: Int?
        var personsMin: Int?
        var multiplePeople: Bool?
        var cellPhone: Int?
        var book: Int?
        var laptop: Int?
        var identity: String?
    }

    struct Pair: Decodable {
        var reference: String
        var probe: String
        var samePerson: Bool
    }

    var items: [Item]
    var pairs: [Pair]

    static func load() throws -> Labels {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Labels.self, from: Data(contentsOf: TestEnvironment.file("labels.json")))
    }

    func items(task: String) -> [Item] { items.filter { $0.task == task } }
}

extension Labels.Item {
    var isBorderline: Bool { notes?.lowercased().contains("borderline") ?? false }
}

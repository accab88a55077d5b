import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

@Suite("Accuracy: people and forbidden objects", .serialized)
struct ObjectsAndPeopleAccuracyTests {
    let labels: Labels

    init() throws {
        labels = try Labels.load()
    }

    var sceneItems: [Labels.Item] {
        labels.items.filter { ["objects_people", "no_face", "low_light"].contains($0.task) }
    }

    @Test("multiple people are detected where labelled, and not where one person is alone")
    func multiplePeople() async throws {
        var truePositives = 0
        var positives = 0
        var trueNegatives = 0
        var negatives = 0
        var misses: [String] = []
        for item in sceneItems {
            guard let multiple = item.groundTruth.multiplePeople else { continue }
            let outcome = try await analyseImage(item.file)
            let detected = try #require(outcome.observation).hasMultiplePeople
            if multiple {
                positives += 1
                if detected { truePositives += 1 } else { misses.append(item.file) }
            } else {
                negatives += 1
                if !detected { trueNegatives += 1 } else { misses.append(item.file) }
            }
        }
        print("multiple people: recall \(truePositives)/\(positives), specificity \(trueNegatives)/\(negatives); wrong: \(misses)")
        #expect(positives >= 10 && negatives >= 5)
        #expect(Double(truePositives) >= 0.9 * Double(positives))
        #expect(Double(trueNegatives) >= 0.8 * Double(negatives))
    }

    @Test("forbidden objects: no false alarms on clean scenes, some real ones found")
    func forbiddenObjects() async throws {
        var found = 0
        var labelled = 0
        var falseAlarms: [String] = []
        for item in sceneItems {
            let truth = item.groundTruth
            guard let phones = truth.cellPhone, let books = truth.book, let laptops = truth.laptop else { continue }
            let items = try await analyseImage(item.file).message.objects.forbiddenItems
            let expected = ["cell_phone": phones, "book": books, "laptop": laptops]
            for (name, count) in expected {
                let seen = items.filter { $0.item == name }.count
                if count > 0 {
                    labelled += count
                    found += min(seen, count)
                } else if seen > 0 {
                    falseAlarms.append("\(item.file): \(name)")
                }
            }
        }
        // YOLOX-nano finds laptops well and phones and books poorly (MODELS.md §2): recall is reported,
        // and the guarantee asserted is that clean scenes raise no forbidden-object flag.
        print("forbidden objects at default thresholds: \(found)/\(labelled) labelled instances found; false alarms \(falseAlarms)")
        #expect(labelled >= 4)
        #expect(found >= 1)
        #expect(falseAlarms.isEmpty)
    }

    @Test("object boxes land in the full frame's coordinates with the region of interest on")
    func regionOfInterest() async throws {
        var configuration = PipelineConfiguration()
        configuration.roi.enabled = true
        // An offset region, so that mapping back to the full frame is really exercised.
        configuration.roi.x = 0.03
        configuration.roi.y = 0.04
        configuration.roi.width = 0.97
        configuration.roi.height = 0.96
        let item = "objects_people/unsplash_three_business_people.jpg"
        let full = try await analyseImage(item).message
        let cut = try await analyseImage(item, configuration: configuration).message
        #expect(cut.metadata.preprocessing.roi.enabled)
        let region = try #require(cut.metadata.preprocessing.roi.region)
        // Faces found inside the region are the same faces, at the same place, as without it.
        for face in cut.faces {
            #expect(face.bbox[0] >= Double(region[0]) - 1 && face.bbox[1] >= Double(region[1]) - 1)
            let box = BoundingBox(x: face.bbox[0], y: face.bbox[1], width: face.bbox[2], height: face.bbox[3])
            let match = full.faces.contains {
                BoundingBox(x: $0.bbox[0], y: $0.bbox[1], width: $0.bbox[2], height: $0.bbox[3]).intersectionOverUnion(with: box) > 0.6
            }
            #expect(match, "face at \(face.bbox) not found without the region")
        }
        // The detector sees a slightly different image, so an edge face may come and go; what must hold
        // is that every face found in the region is a face of the full frame, at the same place.
        #expect(cut.gaze.faceCount >= 2)
    }
}

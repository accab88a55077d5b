import ArgumentParser
import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision

/// `proctor bench fairness [FOLDER]`: face detection by group at three light levels, with 95 % Wilson
/// intervals, and false faces in empty scenes at the same levels.
struct FairnessBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairness",
        abstract: "Face detection rate per group (race, race x gender, with and without children) as photographed, dimmed and dark with noise."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "Labelled folder (labels.json with file, race, gender, age; default: the test data's fairness/).")
    var folder: String?

    @Option(name: .customLong("empty-scenes"), help: "Folder of scenes without a face (default: the test data's no_face/; \"\" to skip).")
    var emptyScenes: String?

    @Flag(name: .customLong("no-adaptation"), help: "Measure without the dark-frame adaptation (pipeline.preprocessing.low_light off).")
    var noAdaptation = false

    @Flag(help: "Print the results as one JSON object.")
    var json = false

    func run() async throws {
        var configuration = try common.loadConfiguration()
        if noAdaptation { configuration.pipeline.preprocessing.lowLight.enabled = false }
        let testData = ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"] ?? BenchCommand.defaultTestData()
        let labelled = URL(fileURLWithPath: folder ?? URL(fileURLWithPath: testData).appendingPathComponent("fairness").path)
        let measurement = try FairnessMeasurement(folder: labelled)
        let pool = try await VisionRuntime.startPool(configuration)
        defer { pool.shutdown() }
        let emptyFolder = emptyScenes ?? URL(fileURLWithPath: testData).appendingPathComponent("no_face").path
        let empty = emptyFolder.isEmpty ? nil : try EmptySceneCheck(folder: URL(fileURLWithPath: emptyFolder))
        var levels: [FairnessMeasurement.Level] = []
        var scenes: [EmptySceneCheck.Result] = []
        for recipe in LightRecipe.standard {
            levels.append(try await measurement.measure(recipe, configuration: configuration.pipeline, pool: pool))
            if let empty { scenes.append(try await empty.measure(recipe, configuration: configuration.pipeline, pool: pool)) }
        }
        let report = FairnessReport(
            folder: labelled.path, images: measurement.items.count, adaptation: !noAdaptation, paddedSide: measurement.paddedSide,
            levels: levels, emptyScenes: scenes)
        if json {
            try printJSON(report)
        } else {
            report.printTables()
        }
    }
}

struct FairnessReport: Encodable {
    var folder: String
    var images: Int
    var adaptation: Bool
    var paddedSide: Int
    var levels: [FairnessMeasurement.Level]
    var emptyScenes: [EmptySceneCheck.Result]

    func printTables() {
        print(
            "proctor bench fairness: \(images) faces from \(folder), each padded to \(paddedSide)x\(paddedSide) on grey; dark-frame adaptation \(adaptation ? "on" : "off")"
        )
        func cell(_ rate: DetectionRate) -> String {
            let interval = rate.wilsonInterval()
            return String(format: "%2d/%2d %.2f [%.2f–%.2f]", rate.found, rate.total, rate.rate, interval.lowerBound, interval.upperBound)
        }
        for level in levels {
            let table = level.table
            print(
                "\n\(level.recipe.name): found \(table.overall.found)/\(table.overall.total); lowest \(table.lowest?.group ?? "-") "
                    + String(
                        format: "%.2f, highest %@ %.2f, gap %.1f points", table.lowest?.all.rate ?? 0, table.highest?.group ?? "-",
                        table.highest?.all.rate ?? 0, table.gap)
            )
            print(
                "  light at the detector: mean luma \(level.meanLuma.map { String(format: "%.0f", $0) }.joined(separator: "/")), noise "
                    + "\(level.noise.map { String(format: "%.1f", $0) }.joined(separator: "/")) (lowest/median/highest); dark \(level.darkFrames), poor \(level.poorFrames), "
                    + "found by the second pass \(level.foundBySecondPass), other boxes \(table.otherFaces)")
            print(
                String(
                    format: "  cost per image, p50/p95 ms: light %.2f/%.2f, preprocess %.1f/%.1f, face detect %.1f/%.1f", level.lightMs.p50, level.lightMs.p95,
                    level.preprocessMs.p50, level.preprocessMs.p95, level.faceDetectMs.p50, level.faceDetectMs.p95)
                    + (level.secondPassFaceDetectMs.count == 0
                        ? ""
                        : String(
                            format: "; face detect where the second pass found the face %.1f/%.1f", level.secondPassFaceDetectMs.p50,
                            level.secondPassFaceDetectMs.p95)))
            print(
                "  " + "group".padding(toLength: 28, withPad: " ", startingAt: 0) + "all ages [95 % Wilson]".padding(toLength: 26, withPad: " ", startingAt: 0)
                    + "without children (0-9)")
            for row in table.byRace + table.byRaceAndGender {
                print(
                    "  " + row.group.padding(toLength: 28, withPad: " ", startingAt: 0) + cell(row.all).padding(toLength: 26, withPad: " ", startingAt: 0)
                        + cell(row.withoutChildren))
            }
        }
        if !emptyScenes.isEmpty { print("\nempty scenes (no face expected):") }
        for scene in emptyScenes {
            print(
                "  \(scene.recipe.name): faces in \(scene.withFaces.count) of \(scene.views) views\(scene.withFaces.isEmpty ? "" : ": " + scene.withFaces.joined(separator: ", "))"
            )
        }
    }
}

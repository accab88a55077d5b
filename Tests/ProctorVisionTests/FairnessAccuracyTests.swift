import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

/// Face detection for every group at three light levels on the FairFace dev set (`fairness/`), and no
/// new false faces in empty scenes at the same levels: the measurement `proctor bench fairness` prints.
@Suite("Accuracy: face detection for every group in any light", .serialized)
struct FairnessAccuracyTests {
    /// Thresholds per light level: each race group's rate (at two decimals, as published: 0.97 allows
    /// 2 misses of 60, 0.95 allows 3, 0.85 allows 9) and the largest gap between groups, in points
    /// (issue 19: 8 at every level).
    static let thresholds: [(recipe: LightRecipe, minimumRate: Double, maximumGap: Double)] = [
        (.asPhotographed, 0.97, 8), (.dimmed, 0.95, 8), (.darkWithNoise, 0.85, 8),
    ]

    @Test("every group's detection rate and the gap between groups at each light level", arguments: 0..<3)
    func groups(level: Int) async throws {
        let (recipe, minimumRate, maximumGap) = Self.thresholds[level]
        let measurement = try FairnessMeasurement(folder: TestEnvironment.file("fairness"))
        #expect(measurement.items.count == 420)
        let result = try await measurement.measure(recipe, configuration: PipelineConfiguration(), pool: try await pool())
        let table = result.table
        let rows = table.byRace.map { row in
            let interval = row.all.wilsonInterval()
            return String(format: "%@ %d/%d %.2f [%.2f–%.2f]", row.group, row.all.found, row.all.total, row.all.rate, interval.lowerBound, interval.upperBound)
        }
        print(
            "fairness, \(recipe.name): " + rows.joined(separator: "; ")
                + String(
                    format: "; gap %.1f points; dark %d, poor %d, found by the second pass %d", table.gap, result.darkFrames, result.poorFrames,
                    result.foundBySecondPass))
        #expect(table.byRace.count == 7)
        for row in table.byRace {
            #expect((row.all.rate * 100).rounded() / 100 >= minimumRate, "\(recipe.name): \(row.group) \(row.all.found)/\(row.all.total)")
        }
        #expect(table.gap <= maximumGap, "\(recipe.name): gap \(table.gap) points")
    }

    @Test("no face in any empty scene, as photographed, dimmed or dark with noise (the adaptation adds no false faces)")
    func emptyScenes() async throws {
        let check = try EmptySceneCheck(folder: TestEnvironment.file("no_face"))
        for recipe in LightRecipe.standard {
            let result = try await check.measure(recipe, configuration: PipelineConfiguration(), pool: try await pool())
            print("empty scenes, \(recipe.name): faces in \(result.withFaces.count) of \(result.views) views \(result.withFaces)")
            #expect(result.views >= 20)
            #expect(result.withFaces.isEmpty, "\(recipe.name): \(result.withFaces)")
        }
    }

    @Test("the light measure reads brightness and noise; on a padded face the recipes are good, dark and poor light")
    func lightMeasure() async throws {
        let bytes = try TestEnvironment.bytes("fairness/images/val_289.jpg")
        let readings = try await pool().run { _ in
            let image = try Image.decode(bytes).padded(width: 448, height: 448)
            return try LightRecipe.standard.map { recipe in
                try image.simulatingLight(recipe, seed: 7).downscaled(toWidth: 320).image.light()
            }
        }
        let rule = LightingRule()
        #expect(rule.condition(of: readings[0]) == .good)
        #expect(rule.condition(of: readings[1]) == .dark)
        #expect(rule.condition(of: readings[2]) == .poor)
        // Brightness scales with the light; the added noise is seen.
        #expect(abs(readings[1].meanLuma / readings[0].meanLuma - 0.35) < 0.03)
        #expect(readings[2].noise > readings[1].noise + 1)
    }
}

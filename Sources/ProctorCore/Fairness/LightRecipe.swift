/// A light level that `proctor bench fairness` makes from a photo: every value of the (padded) image
/// times `scale`, then Gaussian noise of `noise` grey levels per pixel and channel, from a seed fixed
/// per image, saturated to 0...255. No gamma curve and no re-encoding: a plain, repeatable recipe.
public struct LightRecipe: Sendable, Hashable, Codable {
    /// A short name for tables and JSON.
    public var name: String
    public var scale: Double
    public var noise: Double

    public init(name: String, scale: Double, noise: Double) {
        self.name = name
        self.scale = scale
        self.noise = noise
    }

    /// The photo as it is.
    public static let asPhotographed = LightRecipe(name: "as photographed", scale: 1, noise: 0)
    /// A dim room: 35 % of the light, no added noise.
    public static let dimmed = LightRecipe(name: "dimmed (35 %)", scale: 0.35, noise: 0)
    /// A dark room, where the webcam's gain shows its noise: 20 % of the light and noise of 6 grey
    /// levels (which reproduces the audit's dark row: Black 0.77, Southeast Asian 0.97 before adaptation).
    public static let darkWithNoise = LightRecipe(name: "dark (20 %) + noise 6", scale: 0.2, noise: 6)

    public static let standard: [LightRecipe] = [.asPhotographed, .dimmed, .darkWithNoise]
}

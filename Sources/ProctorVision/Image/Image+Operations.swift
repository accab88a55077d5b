import CProctorVision
import ProctorCore

extension Image {
    public func resized(width: Int, height: Int) throws(VisionError) -> Image {
        Image(handle: try created("resize") { pv_image_resize(handle, Int32(width), Int32(height), $0) })
    }

    /// The image scaled to `width` pixels wide, aspect kept; itself when it is not wider.
    public func downscaled(toWidth target: Int) throws(VisionError) -> (image: Image, scale: Double) {
        guard target > 0, width > target else { return (self, 1) }
        let scale = Double(target) / Double(width)
        let newHeight = max(1, Int((Double(height) * scale).rounded()))
        return (try resized(width: target, height: newHeight), scale)
    }

    /// The image mirrored left to right.
    public func mirrored() throws(VisionError) -> Image {
        Image(handle: try created("mirror") { pv_image_mirrored(handle, $0) })
    }

    public func cropped(x: Int, y: Int, width: Int, height: Int) throws(VisionError) -> Image {
        Image(handle: try created("crop") { pv_image_crop(handle, Int32(x), Int32(y), Int32(width), Int32(height), $0) })
    }

    public func warped(by transform: AffineTransform, width: Int, height: Int) throws(VisionError) -> Image {
        let matrix = transform.matrix
        return Image(
            handle: try created("warpAffine") { status in
                matrix.withUnsafeBufferPointer { pv_image_warp_affine(handle, $0.baseAddress, Int32(width), Int32(height), status) }
            })
    }

    /// YOLOX-style letterbox into `size` x `size`, pasted at the top-left; returns the scale used.
    public func letterboxed(size: Int, fill: Double = 114) throws(VisionError) -> (image: Image, scale: Double) {
        try letterboxed(width: size, height: size, fill: fill)
    }

    /// Letterbox into `width` x `height`: scaled to fit, pasted at the top-left, the rest `fill`.
    public func letterboxed(width: Int, height: Int, fill: Double = 114) throws(VisionError) -> (image: Image, scale: Double) {
        var scale = 1.0
        let image = Image(handle: try created("letterbox") { pv_image_letterbox(handle, Int32(width), Int32(height), fill, &scale, $0) })
        return (image, scale)
    }

    /// The pixels as a 1 x C x H x W float tensor: (value - mean) * scale, RGB order when `swapRB`.
    public func tensor(scale: Double, mean: (Double, Double, Double) = (0, 0, 0), swapRB: Bool) throws(VisionError) -> Tensor {
        let count = channels * width * height
        var values = [Float](repeating: 0, count: count)
        let means = [mean.0, mean.1, mean.2]
        _ = try checked("image to tensor") { status in
            values.withUnsafeMutableBufferPointer { buffer in
                means.withUnsafeBufferPointer { pv_image_to_tensor(handle, buffer.baseAddress, count, scale, $0.baseAddress, swapRB ? 1 : 0, status) }
            }
        }
        return Tensor(shape: [1, channels, height, width], values: values)
    }

    /// Encodes as JPEG (evidence snapshots, fake frames).
    public func jpegData(quality: Int = 85) throws(VisionError) -> [UInt8] {
        try encoded(extension: ".jpg", quality: quality)
    }

    public func pngData() throws(VisionError) -> [UInt8] {
        try encoded(extension: ".png", quality: 0)
    }

    private func encoded(extension ext: String, quality: Int) throws(VisionError) -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        var length = 0
        _ = try checked("encode \(ext)") { pv_image_encode(handle, ext, Int32(quality), &pointer, &length, $0) }
        guard let pointer else { return [] }
        defer { pv_buffer_free(pointer) }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    /// Brightness and sharpness, for deciding whether a reference photo is usable.
    public func quality() throws(VisionError) -> ImageQuality {
        var luma = 0.0
        var variance = 0.0
        _ = try checked("image quality") { pv_image_quality(handle, &luma, &variance, $0) }
        return ImageQuality(meanLuma: luma, sharpness: variance)
    }
}

extension Image {
    /// Mean luma and noise (see `LightMeasurement`) of the picture, without uniform dark bars at its
    /// edges (letterbox or pillarbox padding); about 0.1 ms on a 320x240 detector input.
    public func light() throws(VisionError) -> LightMeasurement {
        var luma = 0.0
        var noise = 0.0
        _ = try checked("light measure") { pv_image_light(handle, &luma, &noise, $0) }
        return LightMeasurement(meanLuma: luma, noise: noise)
    }

    /// The image centred on a `width` x `height` canvas of grey `fill` (a tight face crop made webcam-like).
    public func padded(width: Int, height: Int, fill: Double = 128) throws(VisionError) -> Image {
        Image(handle: try created("pad") { pv_image_pad(handle, Int32(width), Int32(height), fill, $0) })
    }

    /// The image as if taken in other light (see `LightRecipe`): values scaled, then Gaussian noise
    /// drawn from `seed`, so the same seed gives the same image.
    public func simulatingLight(_ recipe: LightRecipe, seed: UInt64) throws(VisionError) -> Image {
        if recipe.scale == 1, recipe.noise == 0 { return self }
        return Image(handle: try created("simulate light") { pv_image_simulate_light(handle, recipe.scale, recipe.noise, seed, $0) })
    }
}

/// Mean brightness (0...255) and variance of the Laplacian (higher is sharper).
public struct ImageQuality: Sendable, Hashable {
    public var meanLuma: Double
    public var sharpness: Double
}

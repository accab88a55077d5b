// Image decoding and encoding without OpenCV's imgcodecs: JPEG through libjpeg-turbo's TurboJPEG,
// PNG through libpng's simplified API, WebP through libwebp, uncompressed BMP here.
//
// Why not cv::imdecode: Debian's libopencv-imgcodecs links GDAL, GDCM, Poppler, OpenEXR, librsvg and
// their own dependencies (about 90 libraries), which the dynamic loader maps and relocates at start:
// 20-25 MB of a 180 MB idle server for formats no camera sends (README, Performance). The pixels are
// the same: TurboJPEG decodes with libjpeg's default (accurate) DCT and fancy upsampling, as
// imdecode does, and a JPEG's EXIF orientation is applied as imdecode applies it.
#include "Shim.hpp"

#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using pv::Failure;
using pv::guarded;
using pv::requireImage;
using pv::wrap;

namespace {

/// The TurboJPEG handles of the calling thread (a handle is not safe for two threads at once).
struct TurboJPEG {
    tjhandle decompressor = nullptr;
    tjhandle compressor = nullptr;
    ~TurboJPEG() {
        if (decompressor) tjDestroy(decompressor);
        if (compressor) tjDestroy(compressor);
    }
    static TurboJPEG &current() {
        thread_local TurboJPEG handles;
        return handles;
    }
    tjhandle decompress() {
        if (!decompressor) decompressor = tjInitDecompress();
        if (!decompressor) throw Failure(PV_ERR_INTERNAL, "TurboJPEG: cannot create a decompressor");
        return decompressor;
    }
    tjhandle compress() {
        if (!compressor) compressor = tjInitCompress();
        if (!compressor) throw Failure(PV_ERR_INTERNAL, "TurboJPEG: cannot create a compressor");
        return compressor;
    }
};

void checkSize(uint64_t width, uint64_t height, uint64_t maximumPixels) {
    if (width == 0 || height == 0) throw Failure(PV_ERR_DECODE, "image has zero size");
    if (maximumPixels > 0 && width * height > maximumPixels) {
        throw Failure(PV_ERR_TOO_LARGE, "image is " + std::to_string(width) + "x" + std::to_string(height) + ", above the limit of " +
                                            std::to_string(maximumPixels) + " pixels");
    }
}

uint32_t read16(const uint8_t *p, bool little) { return little ? p[0] | (p[1] << 8) : (p[0] << 8) | p[1]; }

uint32_t read32(const uint8_t *p, bool little) {
    return little ? p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24) : (uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/// The EXIF orientation (1-8) of a JPEG's APP1 segment; 1 when there is none or it cannot be read.
int jpegOrientation(const uint8_t *bytes, size_t length) {
    size_t at = 2;
    while (at + 4 <= length && bytes[at] == 0xFF) {
        const uint8_t marker = bytes[at + 1];
        if (marker == 0xDA || marker == 0xD9) break;  // image data: no EXIF before it
        const size_t size = read16(bytes + at + 2, false);
        if (size < 2 || at + 2 + size > length) break;
        const uint8_t *segment = bytes + at + 4;
        const size_t segmentLength = size - 2;
        if (marker == 0xE1 && segmentLength >= 14 && std::memcmp(segment, "Exif\0\0", 6) == 0) {
            const uint8_t *tiff = segment + 6;
            const size_t tiffLength = segmentLength - 6;
            const bool little = tiff[0] == 'I' && tiff[1] == 'I';
            if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
            const size_t ifd = read32(tiff + 4, little);
            if (ifd + 2 > tiffLength) return 1;
            const size_t entries = read16(tiff + ifd, little);
            for (size_t i = 0; i < entries; ++i) {
                const size_t entry = ifd + 2 + i * 12;
                if (entry + 12 > tiffLength) return 1;
                if (read16(tiff + entry, little) == 0x0112) {
                    const int value = static_cast<int>(read16(tiff + entry + 8, little));
                    return value >= 1 && value <= 8 ? value : 1;
                }
            }
            return 1;
        }
        at += 2 + size;
    }
    return 1;
}

/// The image turned upright for its EXIF orientation, as cv::imdecode turns it.
cv::Mat oriented(cv::Mat image, int orientation) {
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(image, out, 1); return out;
    case 3: cv::flip(image, out, -1); return out;
    case 4: cv::flip(image, out, 0); return out;
    case 5: cv::transpose(image, out); return out;
    case 6: cv::transpose(image, out); cv::flip(out, out, 1); return out;
    case 7: cv::transpose(image, out); cv::flip(out, out, -1); return out;
    case 8: cv::transpose(image, out); cv::flip(out, out, 0); return out;
    default: return image;
    }
}

cv::Mat decodeJPEG(const uint8_t *bytes, size_t length, uint64_t maximumPixels) {
    tjhandle handle = TurboJPEG::current().decompress();
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle, bytes, static_cast<unsigned long>(length), &width, &height, &subsampling, &colorspace) != 0) {
        throw Failure(PV_ERR_DECODE, std::string("not a decodable JPEG: ") + tjGetErrorStr2(handle));
    }
    checkSize(width, height, maximumPixels);
    const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
    cv::Mat decoded(height, width, cmyk ? CV_8UC4 : CV_8UC3);
    // A warning (a damaged but readable stream) keeps the pixels, as libjpeg under imdecode does.
    if (tjDecompress2(handle, bytes, static_cast<unsigned long>(length), decoded.data, width, 0, height, cmyk ? TJPF_CMYK : TJPF_BGR, 0) != 0 &&
        tjGetErrorCode(handle) == TJERR_FATAL) {
        throw Failure(PV_ERR_DECODE, std::string("not a decodable JPEG: ") + tjGetErrorStr2(handle));
    }
    if (cmyk) {
        // Adobe's inverted CMYK, converted as OpenCV's JPEG decoder converts it.
        cv::Mat bgr(height, width, CV_8UC3);
        for (int y = 0; y < height; ++y) {
            const uint8_t *in = decoded.ptr<uint8_t>(y);
            uint8_t *out = bgr.ptr<uint8_t>(y);
            for (int x = 0; x < width; ++x, in += 4, out += 3) {
                const int k = in[3];
                out[2] = static_cast<uint8_t>(k - ((255 - in[0]) * k >> 8));
                out[1] = static_cast<uint8_t>(k - ((255 - in[1]) * k >> 8));
                out[0] = static_cast<uint8_t>(k - ((255 - in[2]) * k >> 8));
            }
        }
        decoded = bgr;
    }
    return oriented(decoded, jpegOrientation(bytes, length));
}

cv::Mat decodePNG(const uint8_t *bytes, size_t length, uint64_t maximumPixels) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes, length)) throw Failure(PV_ERR_DECODE, std::string("not a decodable PNG: ") + image.message);
    struct Release {
        png_image *image;
        ~Release() { png_image_free(image); }
    } release{&image};
    checkSize(image.width, image.height, maximumPixels);
    // Alpha is dropped, not composited, as imdecode drops it.
    const bool alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    image.format = alpha ? PNG_FORMAT_BGRA : PNG_FORMAT_BGR;
    cv::Mat decoded(static_cast<int>(image.height), static_cast<int>(image.width), alpha ? CV_8UC4 : CV_8UC3);
    if (!png_image_finish_read(&image, nullptr, decoded.data, static_cast<png_int_32>(decoded.step[0]), nullptr)) {
        throw Failure(PV_ERR_DECODE, std::string("not a decodable PNG: ") + image.message);
    }
    if (!alpha) return decoded;
    cv::Mat bgr;
    cv::cvtColor(decoded, bgr, cv::COLOR_BGRA2BGR);
    return bgr;
}

cv::Mat decodeWebP(const uint8_t *bytes, size_t length, uint64_t maximumPixels) {
    int width = 0, height = 0;
    if (!WebPGetInfo(bytes, length, &width, &height)) throw Failure(PV_ERR_DECODE, "not a decodable WebP image");
    checkSize(width, height, maximumPixels);
    cv::Mat decoded(height, width, CV_8UC3);
    if (!WebPDecodeBGRInto(bytes, length, decoded.data, decoded.total() * 3, static_cast<int>(decoded.step[0]))) {
        throw Failure(PV_ERR_DECODE, "not a decodable WebP image");
    }
    return decoded;
}

/// An uncompressed Windows bitmap: 24 or 32 bits per pixel, or 8 with a palette.
cv::Mat decodeBMP(const uint8_t *bytes, size_t length, uint64_t maximumPixels) {
    if (length < 54) throw Failure(PV_ERR_DECODE, "BMP data is truncated");
    const size_t offset = read32(bytes + 10, true);
    const size_t headerSize = read32(bytes + 14, true);
    const int32_t width = static_cast<int32_t>(read32(bytes + 18, true));
    const int32_t signedHeight = static_cast<int32_t>(read32(bytes + 22, true));
    const int bits = static_cast<int>(read16(bytes + 28, true));
    const uint32_t compression = read32(bytes + 30, true);
    if (headerSize < 40 || width <= 0 || signedHeight == 0 || signedHeight == INT32_MIN) throw Failure(PV_ERR_DECODE, "not a decodable BMP");
    if (compression != 0 || (bits != 24 && bits != 32 && bits != 8)) {
        throw Failure(PV_ERR_DECODE, "BMP with compression " + std::to_string(compression) + " at " + std::to_string(bits) +
                                         " bits per pixel is not supported (send JPEG or PNG)");
    }
    const bool bottomUp = signedHeight > 0;
    const int32_t height = bottomUp ? signedHeight : -signedHeight;
    checkSize(width, height, maximumPixels);
    const size_t stride = (static_cast<size_t>(width) * bits + 31) / 32 * 4;
    if (offset > length || stride * static_cast<size_t>(height) > length - offset) throw Failure(PV_ERR_DECODE, "BMP data is truncated");
    std::vector<cv::Vec3b> palette;
    if (bits == 8) {
        const size_t paletteAt = 14 + headerSize;
        uint32_t colours = read32(bytes + 46, true);
        if (colours == 0 || colours > 256) colours = 256;
        if (paletteAt + colours * 4 > offset) throw Failure(PV_ERR_DECODE, "BMP palette is truncated");
        for (uint32_t i = 0; i < colours; ++i) {
            const uint8_t *entry = bytes + paletteAt + i * 4;
            palette.emplace_back(entry[0], entry[1], entry[2]);
        }
        palette.resize(256, cv::Vec3b(0, 0, 0));
    }
    cv::Mat decoded(height, width, CV_8UC3);
    for (int32_t row = 0; row < height; ++row) {
        const uint8_t *in = bytes + offset + stride * static_cast<size_t>(bottomUp ? height - 1 - row : row);
        auto *out = decoded.ptr<cv::Vec3b>(row);
        for (int32_t x = 0; x < width; ++x) {
            if (bits == 8) {
                out[x] = palette[in[x]];
            } else {
                const uint8_t *pixel = in + x * (bits / 8);
                out[x] = cv::Vec3b(pixel[0], pixel[1], pixel[2]);
            }
        }
    }
    return decoded;
}

std::vector<uint8_t> encodeJPEG(const cv::Mat &mat, int quality) {
    tjhandle handle = TurboJPEG::current().compress();
    cv::Mat source = mat.channels() == 4 ? pv::asBGR(mat) : mat;
    if (!source.isContinuous()) source = source.clone();
    const bool gray = source.channels() == 1;
    unsigned char *jpeg = nullptr;
    unsigned long size = 0;
    const int clamped = quality < 1 ? 1 : (quality > 100 ? 100 : quality);
    if (tjCompress2(handle, source.data, source.cols, static_cast<int>(source.step[0]), source.rows, gray ? TJPF_GRAY : TJPF_BGR, &jpeg, &size,
                    gray ? TJSAMP_GRAY : TJSAMP_420, clamped, 0) != 0) {
        if (jpeg) tjFree(jpeg);
        throw Failure(PV_ERR_INTERNAL, std::string("JPEG encoding failed: ") + tjGetErrorStr2(handle));
    }
    std::vector<uint8_t> out(jpeg, jpeg + size);
    tjFree(jpeg);
    return out;
}

std::vector<uint8_t> encodePNG(const cv::Mat &mat) {
    cv::Mat source = mat.channels() == 4 ? pv::asBGR(mat) : mat;
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(source.cols);
    image.height = static_cast<png_uint_32>(source.rows);
    image.format = source.channels() == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_BGR;
    const auto stride = static_cast<png_int_32>(source.step[0]);
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, source.data, stride, nullptr)) {
        throw Failure(PV_ERR_INTERNAL, std::string("PNG encoding failed: ") + image.message);
    }
    std::vector<uint8_t> out(size);
    if (!png_image_write_to_memory(&image, out.data(), &size, 0, source.data, stride, nullptr)) {
        throw Failure(PV_ERR_INTERNAL, std::string("PNG encoding failed: ") + image.message);
    }
    out.resize(size);
    return out;
}

}  // namespace

extern "C" {

int32_t pv_image_format(const uint8_t *bytes, size_t length) {
    if (bytes == nullptr) return PV_IMAGE_NONE;
    if (length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return PV_IMAGE_JPEG;
    if (length >= 8 && std::memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0) return PV_IMAGE_PNG;
    if (length >= 12 && std::memcmp(bytes, "RIFF", 4) == 0 && std::memcmp(bytes + 8, "WEBP", 4) == 0) return PV_IMAGE_WEBP;
    if (length >= 2 && bytes[0] == 'B' && bytes[1] == 'M') return PV_IMAGE_BMP;
    return PV_IMAGE_NONE;
}

pv_image *pv_image_decode(const uint8_t *bytes, size_t length, uint64_t maximum_pixels, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (bytes == nullptr || length == 0) throw Failure(PV_ERR_DECODE, "no image data");
        switch (pv_image_format(bytes, length)) {
        case PV_IMAGE_JPEG: return wrap(decodeJPEG(bytes, length, maximum_pixels));
        case PV_IMAGE_PNG: return wrap(decodePNG(bytes, length, maximum_pixels));
        case PV_IMAGE_WEBP: return wrap(decodeWebP(bytes, length, maximum_pixels));
        case PV_IMAGE_BMP: return wrap(decodeBMP(bytes, length, maximum_pixels));
        default: throw Failure(PV_ERR_DECODE, "data is not a decodable image (JPEG, PNG, WebP or BMP)");
        }
    });
}

int32_t pv_image_encode(const pv_image *image, const char *extension, int32_t quality, uint8_t **bytes, size_t *length, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(image, status)) return -1;
        if (image->mat.depth() != CV_8U) throw Failure(PV_ERR_INVALID_ARGUMENT, "only 8-bit images can be encoded");
        const std::string ext = extension ? extension : ".jpg";
        std::vector<uint8_t> encoded;
        if (ext == ".jpg" || ext == ".jpeg") {
            encoded = encodeJPEG(image->mat, quality);
        } else if (ext == ".png") {
            encoded = encodePNG(image->mat);
        } else {
            throw Failure(PV_ERR_INVALID_ARGUMENT, "cannot encode " + ext + " (.jpg or .png)");
        }
        auto *out = static_cast<uint8_t *>(std::malloc(encoded.size()));
        if (out == nullptr) throw Failure(PV_ERR_INTERNAL, "out of memory");
        std::memcpy(out, encoded.data(), encoded.size());
        *bytes = out;
        *length = encoded.size();
        return 0;
    });
}

}  // extern "C"

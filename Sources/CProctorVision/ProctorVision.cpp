// Implementation of the C API in CProctorVision.h. Pixels only: every decision lives in Swift.
#include "CProctorVision.h"
#include "Shim.hpp"


#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

using pv::asBGR;
using pv::asGray;
using pv::clearStatus;
using pv::guarded;
using pv::requireImage;
using pv::setStatus;
using pv::wrap;

struct pv_dnn_net {
    cv::dnn::Net net;
    std::vector<std::string> outputNames;
    std::vector<cv::Mat> outputs;
};

struct pv_face_detector {
    cv::Ptr<cv::FaceDetectorYN> detector;
    cv::Size inputSize;
};

struct pv_face_recognizer {
    cv::Ptr<cv::FaceRecognizerSF> recognizer;
};



extern "C" {

namespace {
/// OpenCV starts on one thread in every process that loads the shim. `cv::setNumThreads` rebuilds
/// TBB's arena, which crashes a thread running a parallel region meanwhile (seen in the test
/// process: a worker pool starting while other tests decode and resize); servers and tests keep 1,
/// so they never reconfigure it, and a single-analysis command raises it once, before any work.
[[maybe_unused]] const bool singleThreadedAtLoad = [] {
    cv::setNumThreads(1);
    return true;
}();
}  // namespace

void pv_set_num_threads(int32_t count) {
    // Reconfiguring OpenCV's thread pool while other threads run parallel regions is unsafe, and
    // several worker pools may start at once: serialise the calls and skip a no-op change.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    if (cv::getNumThreads() != count) cv::setNumThreads(count);
}

int32_t pv_get_num_threads(void) { return cv::getNumThreads(); }

const char *pv_opencv_version(void) { return CV_VERSION; }

// MARK: Images

pv_image *pv_image_from_bgr(const uint8_t *bytes, int32_t width, int32_t height, int32_t stride, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (bytes == nullptr || width <= 0 || height <= 0 || stride < width * 3) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "invalid BGR buffer");
            return nullptr;
        }
        cv::Mat view(height, width, CV_8UC3, const_cast<uint8_t *>(bytes), static_cast<size_t>(stride));
        return wrap(view.clone());
    });
}

void pv_image_free(pv_image *image) { delete image; }

int32_t pv_image_width(const pv_image *image) { return image ? image->mat.cols : 0; }

int32_t pv_image_height(const pv_image *image) { return image ? image->mat.rows : 0; }

int32_t pv_image_channels(const pv_image *image) { return image ? image->mat.channels() : 0; }

void pv_buffer_free(uint8_t *bytes) { std::free(bytes); }

pv_image *pv_image_resize(const pv_image *image, int32_t width, int32_t height, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        if (width <= 0 || height <= 0) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "resize to an empty size");
            return nullptr;
        }
        cv::Mat resized;
        bool shrinking = width < image->mat.cols;
        cv::resize(image->mat, resized, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        return wrap(std::move(resized));
    });
}

pv_image *pv_image_mirrored(const pv_image *image, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat mirrored;
        cv::flip(image->mat, mirrored, 1);
        return wrap(std::move(mirrored));
    });
}

pv_image *pv_image_crop(const pv_image *image, int32_t x, int32_t y, int32_t width, int32_t height, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Rect rect = cv::Rect(x, y, width, height) & cv::Rect(0, 0, image->mat.cols, image->mat.rows);
        if (rect.empty()) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "crop rectangle lies outside the image");
            return nullptr;
        }
        return wrap(image->mat(rect).clone());
    });
}

pv_image *pv_image_warp_affine(const pv_image *image, const double matrix[6], int32_t width, int32_t height,
                               pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat warped;
        cv::warpAffine(image->mat, warped, m, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        return wrap(std::move(warped));
    });
}

pv_image *pv_image_letterbox(const pv_image *image, int32_t width, int32_t height, double fill, double *scale,
                             pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        const cv::Mat &src = image->mat;
        double r = std::min(static_cast<double>(width) / src.cols, static_cast<double>(height) / src.rows);
        int w = std::max(1, static_cast<int>(std::lround(src.cols * r)));
        int h = std::max(1, static_cast<int>(std::lround(src.rows * r)));
        w = std::min(w, static_cast<int>(width));
        h = std::min(h, static_cast<int>(height));
        cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(fill, fill, fill));
        cv::Mat resized;
        cv::resize(asBGR(src), resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
        resized.copyTo(canvas(cv::Rect(0, 0, w, h)));
        if (scale) *scale = r;
        return wrap(std::move(canvas));
    });
}

int32_t pv_image_to_tensor(const pv_image *image, float *tensor, size_t capacity, double scale, const double mean[3],
                           int32_t swap_rb, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(image, status)) return -1;
        const cv::Mat &src = image->mat;
        if (src.depth() != CV_8U) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "image to tensor needs 8-bit pixels");
            return -1;
        }
        const int channels = src.channels();
        const size_t plane = static_cast<size_t>(src.cols) * src.rows;
        if (capacity < plane * channels) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "tensor buffer too small");
            return -1;
        }
        // One plane per channel, written in place by OpenCV's vectorised conversion: (value - mean) * scale.
        std::vector<cv::Mat> planes;
        if (channels == 1) {
            planes.push_back(src);
        } else {
            cv::split(src, planes);
        }
        for (int c = 0; c < channels; ++c) {
            int sourceChannel = (swap_rb && channels == 3) ? (2 - c) : c;
            cv::Mat target(src.rows, src.cols, CV_32F, tensor + static_cast<size_t>(c) * plane);
            planes[sourceChannel].convertTo(target, CV_32F, scale, -mean[c] * scale);
        }
        return 0;
    });
}

int32_t pv_image_quality(const pv_image *image, double *mean_luma, double *laplacian_variance, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(image, status)) return -1;
        cv::Mat gray = asGray(image->mat);
        *mean_luma = cv::mean(gray)[0];
        cv::Mat laplacian;
        cv::Laplacian(gray, laplacian, CV_64F);
        cv::Scalar mu, sigma;
        cv::meanStdDev(laplacian, mu, sigma);
        *laplacian_variance = sigma[0] * sigma[0];
        return 0;
    });
}

namespace {

/// The picture inside uniform dark bars at the edges (letterbox or pillarbox padding, such as a
/// portrait camera shown in a landscape frame): rows and columns whose values stay within 4 grey
/// levels and at most 20 are padding, not a dark room (a dark room's noise varies far more). The whole
/// image when the bars would leave less than a quarter of either side.
cv::Rect pictureArea(const cv::Mat &gray) {
    auto padding = [](const cv::Mat &line) {
        double lowest = 0, highest = 0;
        cv::minMaxLoc(line, &lowest, &highest);
        return highest <= 20 && highest - lowest <= 4;
    };
    int top = 0, bottom = gray.rows, left = 0, right = gray.cols;
    while (top < bottom && padding(gray.row(top))) ++top;
    while (bottom > top && padding(gray.row(bottom - 1))) --bottom;
    if (bottom - top < 1) return cv::Rect(0, 0, gray.cols, gray.rows);
    while (left < right && padding(gray(cv::Rect(left, top, 1, bottom - top)))) ++left;
    while (right > left && padding(gray(cv::Rect(right - 1, top, 1, bottom - top)))) --right;
    cv::Rect area(left, top, right - left, bottom - top);
    if (area.width * 4 < gray.cols || area.height * 4 < gray.rows) return cv::Rect(0, 0, gray.cols, gray.rows);
    return area;
}

}  // namespace

int32_t pv_image_light(const pv_image *image, double *mean_luma, double *noise, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(image, status)) return -1;
        cv::Mat whole = asGray(image->mat);
        // Measured on the picture: padding bars would make a well-lit face read as a dark room.
        cv::Mat gray = whole(pictureArea(whole));
        *mean_luma = cv::mean(gray)[0];
        if (gray.cols < 3 || gray.rows < 3) {
            *noise = 0;
            return 0;
        }
        static const cv::Mat mask = (cv::Mat_<float>(3, 3) << 1, -2, 1, -2, 4, -2, 1, -2, 1);
        cv::Mat response;
        cv::filter2D(gray, response, CV_32F, mask, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
        cv::Rect inner(1, 1, gray.cols - 2, gray.rows - 2);
        double total = cv::norm(response(inner), cv::NORM_L1);
        *noise = total * std::sqrt(CV_PI / 2.0) / (6.0 * inner.width * inner.height);
        return 0;
    });
}

pv_image *pv_image_pad(const pv_image *image, int32_t width, int32_t height, double fill, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        if (width <= 0 || height <= 0) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "pad to an empty size");
            return nullptr;
        }
        cv::Mat src = asBGR(image->mat);
        cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(fill, fill, fill));
        int w = std::min(src.cols, static_cast<int>(width));
        int h = std::min(src.rows, static_cast<int>(height));
        cv::Rect from((src.cols - w) / 2, (src.rows - h) / 2, w, h);
        cv::Rect to((width - w) / 2, (height - h) / 2, w, h);
        src(from).copyTo(canvas(to));
        return wrap(std::move(canvas));
    });
}

pv_image *pv_image_simulate_light(const pv_image *image, double scale, double noise_sigma, uint64_t seed, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat values;
        image->mat.convertTo(values, CV_32F, scale);
        if (noise_sigma > 0) {
            cv::Mat noise(values.size(), values.type());
            cv::RNG rng(seed);
            rng.fill(noise, cv::RNG::NORMAL, 0, noise_sigma);
            values += noise;
        }
        cv::Mat out;
        values.convertTo(out, CV_8U);
        return wrap(std::move(out));
    });
}

// MARK: Preprocessing and motion

pv_image *pv_preprocess(const pv_image *image, const pv_preprocess_options *options, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat current = asBGR(image->mat);
        if (options->denoise_kernel > 1) {
            int k = static_cast<int>(options->denoise_kernel) | 1;
            cv::Mat blurred;
            cv::GaussianBlur(current, blurred, cv::Size(k, k), 0);
            current = blurred;
        }
        if (options->brighten_gamma > 0 && std::fabs(options->brighten_gamma - 1.0) > 1e-6) {
            cv::Mat lut(1, 256, CV_8U);
            double inverse = 1.0 / options->brighten_gamma;
            for (int i = 0; i < 256; ++i) {
                lut.at<uint8_t>(i) = cv::saturate_cast<uint8_t>(std::pow(i / 255.0, inverse) * 255.0);
            }
            cv::Mat brightened;
            cv::LUT(current, lut, brightened);
            current = brightened;
        }
        if (options->clahe_enabled) {
            cv::Mat lab;
            cv::cvtColor(current, lab, cv::COLOR_BGR2Lab);
            std::vector<cv::Mat> planes;
            cv::split(lab, planes);
            int tiles = std::max(1, static_cast<int>(options->clahe_tile_grid));
            auto clahe = cv::createCLAHE(options->clahe_clip_limit, cv::Size(tiles, tiles));
            clahe->apply(planes[0], planes[0]);
            cv::merge(planes, lab);
            cv::Mat back;
            cv::cvtColor(lab, back, cv::COLOR_Lab2BGR);
            current = back;
        }
        if (options->bilateral_enabled) {
            cv::Mat filtered;
            cv::bilateralFilter(current, filtered, options->bilateral_diameter, options->bilateral_sigma_color,
                                options->bilateral_sigma_space);
            current = filtered;
        }
        if (options->gamma > 0 && std::fabs(options->gamma - 1.0) > 1e-6) {
            cv::Mat lut(1, 256, CV_8U);
            double inverse = 1.0 / options->gamma;
            for (int i = 0; i < 256; ++i) {
                lut.at<uint8_t>(i) = cv::saturate_cast<uint8_t>(std::pow(i / 255.0, inverse) * 255.0);
            }
            cv::Mat corrected;
            cv::LUT(current, lut, corrected);
            current = corrected;
        }
        if (current.data == image->mat.data) current = current.clone();
        return wrap(std::move(current));
    });
}

pv_image *pv_motion_signature(const pv_image *image, int32_t width, int32_t kernel, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat gray = asGray(image->mat);
        if (width > 0 && width < gray.cols) {
            int height = std::max(1, static_cast<int>(std::lround(static_cast<double>(gray.rows) * width / gray.cols)));
            cv::Mat small;
            cv::resize(gray, small, cv::Size(width, height), 0, 0, cv::INTER_AREA);
            gray = small;
        }
        int k = std::max(1, static_cast<int>(kernel)) | 1;
        cv::Mat blurred;
        cv::GaussianBlur(gray, blurred, cv::Size(k, k), 0);
        return wrap(std::move(blurred));
    });
}

double pv_motion_difference(const pv_image *a, const pv_image *b, pv_status *status) {
    return guarded<double>(status, -1.0, [&]() -> double {
        if (!requireImage(a, status) || !requireImage(b, status)) return -1.0;
        if (a->mat.size() != b->mat.size() || a->mat.type() != b->mat.type()) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "motion signatures differ in size");
            return -1.0;
        }
        cv::Mat difference;
        cv::absdiff(a->mat, b->mat, difference);
        return cv::mean(difference)[0];
    });
}

// MARK: DNN

pv_dnn_net *pv_dnn_net_load(const char *onnx_path, pv_status *status) {
    return guarded<pv_dnn_net *>(status, nullptr, [&]() -> pv_dnn_net * {
        auto *net = new pv_dnn_net;
        try {
            net->net = cv::dnn::readNetFromONNX(onnx_path);
            if (net->net.empty()) throw std::runtime_error(std::string("cannot load ONNX model ") + onnx_path);
            net->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
            net->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
            for (const auto &name : net->net.getUnconnectedOutLayersNames()) net->outputNames.push_back(name);
        } catch (...) {
            delete net;
            throw;
        }
        return net;
    });
}

void pv_dnn_net_free(pv_dnn_net *net) { delete net; }

int32_t pv_dnn_net_output_count(const pv_dnn_net *net) { return static_cast<int32_t>(net->outputNames.size()); }

const char *pv_dnn_net_output_name(const pv_dnn_net *net, int32_t index) {
    if (index < 0 || index >= static_cast<int32_t>(net->outputNames.size())) return "";
    return net->outputNames[index].c_str();
}

int32_t pv_dnn_net_run(pv_dnn_net *net, const float *input, const int32_t *shape, int32_t rank, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (rank <= 0 || rank > 8) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "tensor rank must be 1...8");
            return -1;
        }
        std::vector<int> sizes(shape, shape + rank);
        cv::Mat blob(rank, sizes.data(), CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        net->outputs.clear();
        net->net.forward(net->outputs, net->outputNames);
        return 0;
    });
}

size_t pv_dnn_net_output_length(const pv_dnn_net *net, int32_t index) {
    if (index < 0 || index >= static_cast<int32_t>(net->outputs.size())) return 0;
    return net->outputs[index].total();
}

size_t pv_dnn_net_output_copy(const pv_dnn_net *net, int32_t index, float *destination, size_t capacity) {
    if (index < 0 || index >= static_cast<int32_t>(net->outputs.size())) return 0;
    const cv::Mat &output = net->outputs[index];
    cv::Mat contiguous = output.isContinuous() ? output : output.clone();
    size_t count = std::min(capacity, contiguous.total());
    if (contiguous.type() == CV_32F) {
        std::memcpy(destination, contiguous.ptr<float>(), count * sizeof(float));
    } else {
        cv::Mat converted;
        contiguous.convertTo(converted, CV_32F);
        std::memcpy(destination, converted.ptr<float>(), count * sizeof(float));
    }
    return count;
}

// MARK: Faces

pv_face_detector *pv_face_detector_create(const char *onnx_path, float score_threshold, float nms_threshold,
                                          int32_t top_k, pv_status *status) {
    return guarded<pv_face_detector *>(status, nullptr, [&]() -> pv_face_detector * {
        auto detector = cv::FaceDetectorYN::create(onnx_path, "", cv::Size(320, 240), score_threshold,
                                                   nms_threshold, top_k);
        if (detector.empty()) {
            setStatus(status, PV_ERR_IO, std::string("cannot load face detector ") + onnx_path);
            return nullptr;
        }
        auto *handle = new pv_face_detector;
        handle->detector = detector;
        handle->inputSize = cv::Size(320, 240);
        return handle;
    });
}

void pv_face_detector_free(pv_face_detector *detector) { delete detector; }

int32_t pv_face_detector_detect(pv_face_detector *detector, const pv_image *image, float *rows, int32_t max_faces,
                                pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(image, status)) return -1;
        cv::Mat bgr = asBGR(image->mat);
        if (bgr.size() != detector->inputSize) {
            detector->detector->setInputSize(bgr.size());
            detector->inputSize = bgr.size();
        }
        cv::Mat faces;
        detector->detector->detect(bgr, faces);
        int found = faces.empty() ? 0 : faces.rows;
        int copy = std::min(found, static_cast<int>(max_faces));
        for (int i = 0; i < copy; ++i) {
            const float *row = faces.ptr<float>(i);
            std::memcpy(rows + i * 15, row, 15 * sizeof(float));
        }
        return found;
    });
}

pv_face_recognizer *pv_face_recognizer_create(const char *onnx_path, pv_status *status) {
    return guarded<pv_face_recognizer *>(status, nullptr, [&]() -> pv_face_recognizer * {
        auto recognizer = cv::FaceRecognizerSF::create(onnx_path, "");
        if (recognizer.empty()) {
            setStatus(status, PV_ERR_IO, std::string("cannot load face recognizer ") + onnx_path);
            return nullptr;
        }
        auto *handle = new pv_face_recognizer;
        handle->recognizer = recognizer;
        return handle;
    });
}

void pv_face_recognizer_free(pv_face_recognizer *recognizer) { delete recognizer; }

pv_image *pv_face_recognizer_align(const pv_face_recognizer *recognizer, const pv_image *image,
                                   const float face_row[15], pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat row(1, 15, CV_32F, const_cast<float *>(face_row));
        cv::Mat aligned;
        recognizer->recognizer->alignCrop(asBGR(image->mat), row, aligned);
        return wrap(std::move(aligned));
    });
}

namespace {

/// The similarity transform (Umeyama, least squares) that takes the five detector landmarks to the
/// ArcFace template of a 112x112 crop: what `cv::FaceRecognizerSF::alignCrop` computes in OpenCV 4.6,
/// without loading its network.
cv::Mat arcFaceSimilarity(const float landmarks[10]) {
    static const double target[5][2] = {{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};
    double sourceMean[2] = {0, 0}, targetMean[2] = {0, 0};
    for (int i = 0; i < 5; ++i) {
        for (int c = 0; c < 2; ++c) {
            sourceMean[c] += landmarks[2 * i + c] / 5.0;
            targetMean[c] += target[i][c] / 5.0;
        }
    }
    double covariance[2][2] = {{0, 0}, {0, 0}};
    double sourceVariance = 0;
    for (int i = 0; i < 5; ++i) {
        double s[2] = {landmarks[2 * i] - sourceMean[0], landmarks[2 * i + 1] - sourceMean[1]};
        double t[2] = {target[i][0] - targetMean[0], target[i][1] - targetMean[1]};
        for (int r = 0; r < 2; ++r) {
            for (int c = 0; c < 2; ++c) covariance[r][c] += t[r] * s[c] / 5.0;
        }
        sourceVariance += (s[0] * s[0] + s[1] * s[1]) / 5.0;
    }
    cv::Mat a = (cv::Mat_<double>(2, 2) << covariance[0][0], covariance[0][1], covariance[1][0], covariance[1][1]);
    cv::Mat w, u, vt;
    cv::SVD::compute(a, w, u, vt);
    double d[2] = {1, 1};
    if (cv::determinant(a) < 0) d[1] = -1;
    // Rank 1 (collinear points): the reflection is decided by the rotation's own determinants.
    const double tolerance = std::max(w.at<double>(0), w.at<double>(1)) * 2 * FLT_MIN;
    const int rank = (w.at<double>(0) > tolerance) + (w.at<double>(1) > tolerance);
    cv::Mat rotation;
    if (rank == 1 && cv::determinant(u) * cv::determinant(vt) > 0) {
        rotation = u * vt;
    } else {
        double reflection = rank == 1 ? -1 : d[1];
        cv::Mat diagonal = (cv::Mat_<double>(2, 2) << d[0], 0, 0, reflection);
        rotation = u * diagonal * vt;
    }
    const double scale = sourceVariance > 0 ? (w.at<double>(0) * d[0] + w.at<double>(1) * d[1]) / sourceVariance : 1;
    cv::Mat transform(2, 3, CV_64F);
    for (int r = 0; r < 2; ++r) {
        transform.at<double>(r, 0) = scale * rotation.at<double>(r, 0);
        transform.at<double>(r, 1) = scale * rotation.at<double>(r, 1);
        transform.at<double>(r, 2) =
            targetMean[r] - scale * (rotation.at<double>(r, 0) * sourceMean[0] + rotation.at<double>(r, 1) * sourceMean[1]);
    }
    return transform;
}

}  // namespace

pv_image *pv_face_align(const pv_image *image, const float face_row[15], pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!requireImage(image, status)) return nullptr;
        cv::Mat aligned;
        cv::warpAffine(asBGR(image->mat), aligned, arcFaceSimilarity(face_row + 4), cv::Size(112, 112), cv::INTER_LINEAR);
        return wrap(std::move(aligned));
    });
}

int32_t pv_face_recognizer_feature(pv_face_recognizer *recognizer, const pv_image *aligned, float *feature,
                                   int32_t capacity, pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (!requireImage(aligned, status)) return -1;
        cv::Mat output;
        recognizer->recognizer->feature(aligned->mat, output);
        cv::Mat flat = output.reshape(1, 1);
        cv::Mat converted;
        flat.convertTo(converted, CV_32F);
        int count = std::min(static_cast<int>(converted.total()), static_cast<int>(capacity));
        std::memcpy(feature, converted.ptr<float>(), count * sizeof(float));
        return count;
    });
}

// MARK: Geometry

int32_t pv_solve_pnp(const double *object_points, const double *image_points, int32_t count, double focal,
                     double cx, double cy, int32_t refine, double rvec[3], double tvec[3], pv_status *status) {
    return guarded<int32_t>(status, -1, [&]() -> int32_t {
        if (count < 4) {
            setStatus(status, PV_ERR_INVALID_ARGUMENT, "solvePnP needs at least 4 points");
            return -1;
        }
        std::vector<cv::Point3d> objects;
        std::vector<cv::Point2d> points;
        objects.reserve(count);
        points.reserve(count);
        for (int i = 0; i < count; ++i) {
            objects.emplace_back(object_points[i * 3], object_points[i * 3 + 1], object_points[i * 3 + 2]);
            points.emplace_back(image_points[i * 2], image_points[i * 2 + 1]);
        }
        cv::Matx33d camera(focal, 0, cx, 0, focal, cy, 0, 0, 1);
        cv::Mat r, t;
        if (!cv::solvePnP(objects, points, camera, cv::noArray(), r, t, false, cv::SOLVEPNP_SQPNP)) {
            setStatus(status, PV_ERR_OPENCV, "solvePnP found no solution");
            return -1;
        }
        if (refine && count >= 6) {
            cv::solvePnP(objects, points, camera, cv::noArray(), r, t, true, cv::SOLVEPNP_ITERATIVE);
        }
        for (int i = 0; i < 3; ++i) {
            rvec[i] = r.at<double>(i);
            tvec[i] = t.at<double>(i);
        }
        return 0;
    });
}

}  // extern "C"

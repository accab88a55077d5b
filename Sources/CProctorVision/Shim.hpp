// What the shim's C++ files share (not part of the C API in include/CProctorVision.h): the image
// handle's layout, status reporting, and the guard that keeps C++ exceptions from reaching Swift.
#pragma once

#include "CProctorVision.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <exception>
#include <string>

struct pv_image {
    cv::Mat mat;
};

namespace pv {

inline void setStatus(pv_status *status, int32_t code, const std::string &message) {
    if (status == nullptr) return;
    status->code = code;
    std::strncpy(status->message, message.c_str(), sizeof(status->message) - 1);
    status->message[sizeof(status->message) - 1] = '\0';
}

inline void clearStatus(pv_status *status) {
    if (status == nullptr) return;
    status->code = PV_OK;
    status->message[0] = '\0';
}

inline pv_image *wrap(cv::Mat mat) {
    auto *image = new pv_image;
    image->mat = std::move(mat);
    return image;
}

inline bool requireImage(const pv_image *image, pv_status *status) {
    if (image == nullptr || image->mat.empty()) {
        setStatus(status, PV_ERR_INVALID_ARGUMENT, "empty image");
        return false;
    }
    return true;
}

inline cv::Mat asBGR(const cv::Mat &mat) {
    if (mat.channels() == 3) return mat;
    cv::Mat bgr;
    if (mat.channels() == 1) {
        cv::cvtColor(mat, bgr, cv::COLOR_GRAY2BGR);
    } else {
        cv::cvtColor(mat, bgr, cv::COLOR_BGRA2BGR);
    }
    return bgr;
}

inline cv::Mat asGray(const cv::Mat &mat) {
    if (mat.channels() == 1) return mat;
    cv::Mat gray;
    cv::cvtColor(mat, gray, mat.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    return gray;
}

/// An error the shim reports with its own code (for example PV_ERR_DECODE for bytes that are not an
/// image), thrown inside `guarded`.
struct Failure : std::exception {
    int32_t code;
    std::string message;
    Failure(int32_t code, std::string message) : code(code), message(std::move(message)) {}
    const char *what() const noexcept override { return message.c_str(); }
};

/// Runs `body`, turning any C++ exception into a status and `fallback`.
template <typename Result, typename Body>
Result guarded(pv_status *status, Result fallback, Body &&body) {
    clearStatus(status);
    try {
        return body();
    } catch (const Failure &failure) {
        setStatus(status, failure.code, failure.message);
    } catch (const cv::Exception &error) {
        setStatus(status, PV_ERR_OPENCV, std::string("OpenCV: ") + error.what());
    } catch (const std::exception &error) {
        setStatus(status, PV_ERR_INTERNAL, error.what());
    } catch (...) {
        setStatus(status, PV_ERR_INTERNAL, "unknown C++ exception");
    }
    return fallback;
}

}  // namespace pv

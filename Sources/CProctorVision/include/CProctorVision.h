// CProctorVision: the only place the project touches OpenCV and the codec libraries.
//
// A plain-C API over a handful of OpenCV 4.6 calls, image codecs (TurboJPEG, libpng, libwebp) and
// FFmpeg's decoders. Every entry point catches
// cv::Exception and std::exception and reports them through `pv_status`, because
// a C++ exception that crosses into Swift aborts the process. Objects are opaque
// handles; whoever creates one frees it with the matching `_free` function.
// None of the handles are safe for concurrent use from two threads at once:
// the Swift side gives each worker thread its own set.
#ifndef CPROCTORVISION_H
#define CPROCTORVISION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a call: `code == 0` is success; otherwise `message` says why.
typedef struct pv_status {
    int32_t code;
    char message[480];
} pv_status;

enum {
    PV_OK = 0,
    PV_ERR_INVALID_ARGUMENT = 1,
    PV_ERR_DECODE = 2,
    PV_ERR_OPENCV = 3,
    PV_ERR_IO = 4,
    PV_ERR_INTERNAL = 5,
    PV_ERR_TOO_LARGE = 6
};

typedef struct pv_image pv_image;
typedef struct pv_dnn_net pv_dnn_net;
typedef struct pv_face_detector pv_face_detector;
typedef struct pv_face_recognizer pv_face_recognizer;
typedef struct pv_video_reader pv_video_reader;
typedef struct pv_ort_session pv_ort_session;

// MARK: Library

void pv_set_num_threads(int32_t count);
int32_t pv_get_num_threads(void);
/// Static string, e.g. "4.6.0".
const char *pv_opencv_version(void);

// MARK: Images (8-bit BGR or grayscale cv::Mat)

/// Decodes JPEG (turned upright by its EXIF orientation), PNG, WebP or uncompressed BMP bytes into a
/// 3-channel BGR image. NULL on failure; PV_ERR_TOO_LARGE, before any pixel is decoded, for an image
/// of more than `maximum_pixels` (0: no limit).
pv_image *pv_image_decode(const uint8_t *bytes, size_t length, uint64_t maximum_pixels, pv_status *status);
/// The format `pv_image_decode` would decode these bytes as, by their leading signature (nothing
/// beyond it is read): PV_IMAGE_NONE for data it refuses whatever follows.
enum { PV_IMAGE_NONE = 0, PV_IMAGE_JPEG = 1, PV_IMAGE_PNG = 2, PV_IMAGE_WEBP = 3, PV_IMAGE_BMP = 4 };
int32_t pv_image_format(const uint8_t *bytes, size_t length);
/// Copies a packed BGR buffer (stride in bytes) into a new image.
pv_image *pv_image_from_bgr(const uint8_t *bytes, int32_t width, int32_t height, int32_t stride, pv_status *status);
void pv_image_free(pv_image *image);
int32_t pv_image_width(const pv_image *image);
int32_t pv_image_height(const pv_image *image);
int32_t pv_image_channels(const pv_image *image);
/// Encodes with the extension's codec (".jpg", ".png"); quality applies to JPEG.
/// On success `*bytes` must be released with `pv_buffer_free`.
int32_t pv_image_encode(const pv_image *image, const char *extension, int32_t quality,
                        uint8_t **bytes, size_t *length, pv_status *status);
void pv_buffer_free(uint8_t *bytes);
pv_image *pv_image_resize(const pv_image *image, int32_t width, int32_t height, pv_status *status);
/// Deep copy of a rectangle, clamped to the image. NULL when the clamped rectangle is empty.
pv_image *pv_image_crop(const pv_image *image, int32_t x, int32_t y, int32_t width, int32_t height, pv_status *status);
/// The image mirrored left to right (a copy).
pv_image *pv_image_mirrored(const pv_image *image, pv_status *status);
/// `warpAffine` with a row-major 2x3 matrix into a width x height image, border replicated.
pv_image *pv_image_warp_affine(const pv_image *image, const double matrix[6], int32_t width, int32_t height, pv_status *status);
/// YOLOX letterbox: scale by r = min(W/w, H/h), paste at the top-left of a W x H canvas filled with `fill`.
pv_image *pv_image_letterbox(const pv_image *image, int32_t width, int32_t height, double fill, double *scale, pv_status *status);
/// Writes the image as one NCHW float tensor: (pixel - mean[c]) * scale, channels swapped BGR->RGB when swap_rb != 0.
/// `capacity` must be at least channels * width * height.
int32_t pv_image_to_tensor(const pv_image *image, float *tensor, size_t capacity, double scale,
                           const double mean[3], int32_t swap_rb, pv_status *status);
/// Mean luma (0..255) and variance of the Laplacian (a sharpness measure) of the image.
int32_t pv_image_quality(const pv_image *image, double *mean_luma, double *laplacian_variance, pv_status *status);
/// The light of a frame: mean luma (0..255) of its grey image and the standard deviation of its
/// noise in grey levels, estimated from the absolute response to the 3x3 mask [1 -2 1; -2 4 -2; 1 -2 1]
/// (Immerkaer 1996, "Fast noise variance estimation"), which cancels smooth image structure.
int32_t pv_image_light(const pv_image *image, double *mean_luma, double *noise, pv_status *status);
/// The image centred on a width x height canvas of grey `fill` (cropped centrally where it is larger).
pv_image *pv_image_pad(const pv_image *image, int32_t width, int32_t height, double fill, pv_status *status);
/// Simulated light: every value times `scale`, plus Gaussian noise of standard deviation `noise_sigma`
/// grey levels drawn independently per pixel and channel from cv::RNG(seed), saturated to 0..255.
pv_image *pv_image_simulate_light(const pv_image *image, double scale, double noise_sigma, uint64_t seed, pv_status *status);

// MARK: Preprocessing and motion

typedef struct pv_preprocess_options {
    int32_t clahe_enabled;
    double clahe_clip_limit;
    int32_t clahe_tile_grid;
    int32_t bilateral_enabled;
    int32_t bilateral_diameter;
    double bilateral_sigma_color;
    double bilateral_sigma_space;
    /// 1.0 leaves the image as it is.
    double gamma;
    /// Dark frames: a Gaussian blur of this odd kernel first (0 or 1: none).
    int32_t denoise_kernel;
    /// Dark frames: gamma after the blur and before CLAHE (1.0: none; above 1 brightens).
    double brighten_gamma;
} pv_preprocess_options;

/// A Gaussian blur, a brightening gamma, CLAHE on L of LAB, then a bilateral filter, then gamma; each
/// step optional. Returns a new image.
pv_image *pv_preprocess(const pv_image *image, const pv_preprocess_options *options, pv_status *status);
/// Grayscale, optionally downscaled to `width` (0 keeps the size), then a Gaussian blur with an odd kernel.
pv_image *pv_motion_signature(const pv_image *image, int32_t width, int32_t kernel, pv_status *status);
/// Mean absolute difference of two signatures of the same size; negative on error.
double pv_motion_difference(const pv_image *a, const pv_image *b, pv_status *status);

// MARK: DNN (cv::dnn::Net)

pv_dnn_net *pv_dnn_net_load(const char *onnx_path, pv_status *status);
void pv_dnn_net_free(pv_dnn_net *net);
/// Number of output layers, in `getUnconnectedOutLayersNames` order.
int32_t pv_dnn_net_output_count(const pv_dnn_net *net);
const char *pv_dnn_net_output_name(const pv_dnn_net *net, int32_t index);
/// Runs one forward pass on a float tensor of the given shape; the outputs stay in the net until the next run.
int32_t pv_dnn_net_run(pv_dnn_net *net, const float *input, const int32_t *shape, int32_t rank, pv_status *status);
/// Number of floats in output `index` of the last run.
size_t pv_dnn_net_output_length(const pv_dnn_net *net, int32_t index);
/// Copies up to `capacity` floats of output `index`; returns how many were copied.
size_t pv_dnn_net_output_copy(const pv_dnn_net *net, int32_t index, float *destination, size_t capacity);

// MARK: Faces (cv::FaceDetectorYN, cv::FaceRecognizerSF)

pv_face_detector *pv_face_detector_create(const char *onnx_path, float score_threshold, float nms_threshold,
                                          int32_t top_k, pv_status *status);
void pv_face_detector_free(pv_face_detector *detector);
/// Detects faces; each face is 15 floats (x, y, w, h, 5 landmark pairs, score). Copies at most
/// `max_faces` rows into `rows`; returns the number found (which may exceed `max_faces`), or -1 on error.
int32_t pv_face_detector_detect(pv_face_detector *detector, const pv_image *image, float *rows,
                                int32_t max_faces, pv_status *status);

pv_face_recognizer *pv_face_recognizer_create(const char *onnx_path, pv_status *status);
void pv_face_recognizer_free(pv_face_recognizer *recognizer);
/// The 112x112 aligned crop for a face row as returned by the detector.
pv_image *pv_face_recognizer_align(const pv_face_recognizer *recognizer, const pv_image *image,
                                   const float face_row[15], pv_status *status);
/// Embeds an aligned crop; returns the number of dimensions written (at most `capacity`), or -1.
/// The face of a detector row (x, y, w, h, five landmarks, score) aligned to the ArcFace template in a
/// 112x112 crop, as `cv::FaceRecognizerSF::alignCrop` aligns it, without loading a network.
pv_image *pv_face_align(const pv_image *image, const float face_row[15], pv_status *status);
int32_t pv_face_recognizer_feature(pv_face_recognizer *recognizer, const pv_image *aligned, float *feature,
                                   int32_t capacity, pv_status *status);

// MARK: Geometry (cv::solvePnP)

/// Pose of `count` 3-D model points (x,y,z in OpenCV camera axes) seen at 2-D image points, with a
/// pinhole camera (focal length in pixels, principal point), solved with SOLVEPNP_SQPNP and, when
/// `refine` != 0, refined with SOLVEPNP_ITERATIVE. Writes the Rodrigues rotation rvec[3] and tvec[3];
/// the angles are derived in Swift (HeadPose) so that the sign convention is tested without OpenCV.
int32_t pv_solve_pnp(const double *object_points, const double *image_points, int32_t count, double focal,
                     double cx, double cy, int32_t refine, double rvec[3], double tvec[3], pv_status *status);

// MARK: Video (FFmpeg's libraries, loaded with dlopen on the first video)

pv_video_reader *pv_video_open(const char *path, pv_status *status);
void pv_video_close(pv_video_reader *reader);
double pv_video_fps(const pv_video_reader *reader);
int64_t pv_video_frame_count(const pv_video_reader *reader);
/// The next frame and its position in milliseconds; NULL with status PV_OK at the end of the stream.
pv_image *pv_video_next(pv_video_reader *reader, double *position_ms, pv_status *status);
/// Advances to the next frame without converting it to an image (the decoder still runs: later
/// frames depend on it); 1 with its position in milliseconds, 0 at the end (status PV_OK) or on an
/// error. `pv_video_retrieve` then gives that frame's image, when it is wanted.
int32_t pv_video_grab(pv_video_reader *reader, double *position_ms, pv_status *status);
pv_image *pv_video_retrieve(pv_video_reader *reader, pv_status *status);

// MARK: ONNX Runtime (loaded with dlopen; optional)

/// Opens the ONNX Runtime C library at `library_path` (once per process; later calls are no-ops) and
/// requests version 1 of its API table, the frozen part this binding declares (and version 6, when
/// there, for one memory arena shared by all sessions). Fails cleanly when the file is missing, is not
/// ONNX Runtime, or is too old.
int32_t pv_ort_load(const char *library_path, pv_status *status);
/// The loaded library's version string, "" before `pv_ort_load` succeeded.
const char *pv_ort_version(void);
/// 1 when every session allocates from one CPU arena registered with the env (libraries with API
/// version 6 or later), 0 when each session keeps its own, or before `pv_ort_load` succeeded.
int32_t pv_ort_shares_arena(void);

/// A session for one ONNX model on the CPU: `intra_op_threads` threads inside a run, no inter-op parallelism.
pv_ort_session *pv_ort_session_create(const char *model_path, int32_t intra_op_threads, pv_status *status);
void pv_ort_session_free(pv_ort_session *session);
int32_t pv_ort_session_input_count(const pv_ort_session *session);
const char *pv_ort_session_input_name(const pv_ort_session *session, int32_t index);
int32_t pv_ort_session_output_count(const pv_ort_session *session);
const char *pv_ort_session_output_name(const pv_ort_session *session, int32_t index);
/// The outputs of one run, owned by the caller (`pv_ort_result_free`). A session holds no state of its
/// runs, so one session serves every CV worker at once (ONNX Runtime's `Run` is thread-safe).
typedef struct pv_ort_result pv_ort_result;
/// Runs the model on one float tensor fed to its first input; nil (and `status` set) on failure.
pv_ort_result *pv_ort_session_run(const pv_ort_session *session, const float *input, const int64_t *shape, int32_t rank, pv_status *status);
/// Element types of `pv_ort_input` (ONNX's TensorProto numbers).
enum { PV_ORT_FLOAT = 1, PV_ORT_INT64 = 7 };
/// One input tensor: `data` holds the product of `shape` elements of `element_type`.
typedef struct pv_ort_input {
    const void *data;
    int32_t element_type;
    const int64_t *shape;
    int32_t rank;
} pv_ort_input;
/// Runs the model on `count` tensors fed to its first `count` inputs in order (a recurrent model's
/// samples, state and rate); nil (and `status` set) on failure.
pv_ort_result *pv_ort_session_run_inputs(const pv_ort_session *session, const pv_ort_input *inputs, int32_t count, pv_status *status);
void pv_ort_result_free(pv_ort_result *result);
int32_t pv_ort_result_count(const pv_ort_result *result);
int32_t pv_ort_result_rank(const pv_ort_result *result, int32_t index);
/// Writes up to `capacity` dimensions of output `index`; returns how many.
int32_t pv_ort_result_shape(const pv_ort_result *result, int32_t index, int64_t *dimensions, int32_t capacity);
size_t pv_ort_result_length(const pv_ort_result *result, int32_t index);
/// Copies up to `capacity` floats of output `index` (straight from ONNX Runtime's buffer); returns how many.
size_t pv_ort_result_copy(const pv_ort_result *result, int32_t index, float *destination, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif

// Video decoding with FFmpeg's libraries, opened with dlopen on the first video.
//
// Why not cv::VideoCapture: Debian's libopencv-videoio links FFmpeg, GStreamer, libdc1394 and
// libgphoto2, and FFmpeg's libavcodec alone brings 130 libraries (every codec Debian builds in).
// Linked at start, they cost every server 20+ MB of mapped, relocated pages, also one that never
// reads a recording (README, Performance). Loaded here on the first recorded chunk, only a worker
// that decodes video pays for them. The frames and positions are those cv::VideoCapture's FFmpeg
// backend gives: the decoder's best-effort timestamp from the stream's start, BGR by swscale's
// bicubic path, the display matrix's rotation applied.
#include "Shim.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
}

#include <dlfcn.h>

#include <cmath>
#include <string>

using pv::Failure;
using pv::guarded;
using pv::wrap;

namespace {

/// FFmpeg's functions, resolved once from the libraries of the major versions these headers declare.
struct FFmpeg {
    decltype(&avformat_open_input) openInput = nullptr;
    decltype(&avformat_find_stream_info) findStreamInfo = nullptr;
    decltype(&av_find_best_stream) findBestStream = nullptr;
    decltype(&av_read_frame) readFrame = nullptr;
    decltype(&avformat_close_input) closeInput = nullptr;
    decltype(&av_guess_frame_rate) guessFrameRate = nullptr;
    decltype(&av_stream_get_side_data) streamSideData = nullptr;
    decltype(&avcodec_alloc_context3) allocContext = nullptr;
    decltype(&avcodec_parameters_to_context) parametersToContext = nullptr;
    decltype(&avcodec_open2) openCodec = nullptr;
    decltype(&avcodec_send_packet) sendPacket = nullptr;
    decltype(&avcodec_receive_frame) receiveFrame = nullptr;
    decltype(&avcodec_free_context) freeContext = nullptr;
    decltype(&av_packet_alloc) packetAlloc = nullptr;
    decltype(&av_packet_free) packetFree = nullptr;
    decltype(&av_packet_unref) packetUnref = nullptr;
    decltype(&av_frame_alloc) frameAlloc = nullptr;
    decltype(&av_frame_free) frameFree = nullptr;
    decltype(&av_strerror) errorString = nullptr;
    decltype(&av_display_rotation_get) displayRotation = nullptr;
    decltype(&av_log_set_level) setLogLevel = nullptr;
    decltype(&sws_getCachedContext) cachedScaler = nullptr;
    decltype(&sws_scale) scale = nullptr;
    decltype(&sws_freeContext) freeScaler = nullptr;
    std::string problem;  // why the libraries could not be used; empty when they can

    /// The process's FFmpeg, loaded on first use (the libraries stay mapped for its life).
    static const FFmpeg &shared() {
        static const FFmpeg loaded = load();
        return loaded;
    }

    std::string describe(int code) const {
        char text[AV_ERROR_MAX_STRING_SIZE] = {0};
        if (errorString == nullptr || errorString(code, text, sizeof(text)) < 0) return "FFmpeg error " + std::to_string(code);
        return text;
    }

  private:
    static FFmpeg load() {
        FFmpeg ff;
        auto open = [&](const char *name, int major) -> void * {
            const std::string file = std::string("lib") + name + ".so." + std::to_string(major);
            void *library = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (library == nullptr && ff.problem.empty()) {
                const char *reason = dlerror();
                ff.problem = "FFmpeg's " + file + " cannot be loaded (scripts/setup.sh installs ffmpeg): " + (reason ? reason : "not found");
            }
            return library;
        };
        void *util = open("avutil", LIBAVUTIL_VERSION_MAJOR);
        void *codec = open("avcodec", LIBAVCODEC_VERSION_MAJOR);
        void *format = open("avformat", LIBAVFORMAT_VERSION_MAJOR);
        void *scaler = open("swscale", LIBSWSCALE_VERSION_MAJOR);
        if (!ff.problem.empty()) return ff;
        auto bind = [&](auto &slot, void *library, const char *symbol) {
            slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(library, symbol));
            if (slot == nullptr && ff.problem.empty()) ff.problem = std::string("FFmpeg has no ") + symbol;
        };
        bind(ff.openInput, format, "avformat_open_input");
        bind(ff.findStreamInfo, format, "avformat_find_stream_info");
        bind(ff.findBestStream, format, "av_find_best_stream");
        bind(ff.readFrame, format, "av_read_frame");
        bind(ff.closeInput, format, "avformat_close_input");
        bind(ff.guessFrameRate, format, "av_guess_frame_rate");
        bind(ff.streamSideData, format, "av_stream_get_side_data");
        bind(ff.allocContext, codec, "avcodec_alloc_context3");
        bind(ff.parametersToContext, codec, "avcodec_parameters_to_context");
        bind(ff.openCodec, codec, "avcodec_open2");
        bind(ff.sendPacket, codec, "avcodec_send_packet");
        bind(ff.receiveFrame, codec, "avcodec_receive_frame");
        bind(ff.freeContext, codec, "avcodec_free_context");
        bind(ff.packetAlloc, codec, "av_packet_alloc");
        bind(ff.packetFree, codec, "av_packet_free");
        bind(ff.packetUnref, codec, "av_packet_unref");
        bind(ff.frameAlloc, util, "av_frame_alloc");
        bind(ff.frameFree, util, "av_frame_free");
        bind(ff.errorString, util, "av_strerror");
        bind(ff.displayRotation, util, "av_display_rotation_get");
        bind(ff.setLogLevel, util, "av_log_set_level");
        bind(ff.cachedScaler, scaler, "sws_getCachedContext");
        bind(ff.scale, scaler, "sws_scale");
        bind(ff.freeScaler, scaler, "sws_freeContext");
        // Damaged chunks are reported through pv_status, not printed on the server's stderr.
        if (ff.problem.empty()) ff.setLogLevel(AV_LOG_QUIET);
        return ff;
    }
};

double seconds(AVRational rational) { return rational.den == 0 ? 0 : static_cast<double>(rational.num) / rational.den; }

}  // namespace

/// One open file: its demuxer, the video stream's decoder, and the frame last decoded.
struct pv_video_reader {
    const FFmpeg &ff;
    AVFormatContext *format = nullptr;
    AVCodecContext *codec = nullptr;
    AVPacket *packet = nullptr;
    AVFrame *frame = nullptr;
    SwsContext *scaler = nullptr;
    AVStream *stream = nullptr;
    int streamIndex = -1;
    /// Clockwise degrees the frames are turned to be upright (the display matrix's).
    int rotation = 0;
    /// The packet read but not yet accepted by the decoder.
    bool packetPending = false;
    bool draining = false;
    bool finished = false;
    bool hasFrame = false;
    /// Decoder errors so far; a file that yields nothing but errors is not read forever.
    int failures = 0;
    static constexpr int kFailureLimit = 1000;

    explicit pv_video_reader(const FFmpeg &ff) : ff(ff) {}

    ~pv_video_reader() {
        if (scaler) ff.freeScaler(scaler);
        if (frame) ff.frameFree(&frame);
        if (packet) ff.packetFree(&packet);
        if (codec) ff.freeContext(&codec);
        if (format) ff.closeInput(&format);
    }

    void open(const char *path) {
        int code = ff.openInput(&format, path, nullptr, nullptr);
        if (code < 0) throw Failure(PV_ERR_DECODE, std::string("cannot open video ") + path + ": " + ff.describe(code));
        if ((code = ff.findStreamInfo(format, nullptr)) < 0) throw Failure(PV_ERR_DECODE, std::string("cannot read video ") + path + ": " + ff.describe(code));
        const AVCodec *decoder = nullptr;
        streamIndex = ff.findBestStream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
        if (streamIndex < 0 || decoder == nullptr) throw Failure(PV_ERR_DECODE, std::string("no decodable video stream in ") + path);
        stream = format->streams[streamIndex];
        codec = ff.allocContext(decoder);
        if (codec == nullptr) throw Failure(PV_ERR_INTERNAL, "out of memory");
        if ((code = ff.parametersToContext(codec, stream->codecpar)) < 0) throw Failure(PV_ERR_DECODE, "cannot set up the decoder: " + ff.describe(code));
        // One thread: the workers decode chunks side by side, one per core.
        codec->thread_count = 1;
        if ((code = ff.openCodec(codec, decoder, nullptr)) < 0) throw Failure(PV_ERR_DECODE, "cannot open the decoder: " + ff.describe(code));
        packet = ff.packetAlloc();
        frame = ff.frameAlloc();
        if (packet == nullptr || frame == nullptr) throw Failure(PV_ERR_INTERNAL, "out of memory");
        if (const uint8_t *matrix = ff.streamSideData(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr)) {
            const double degrees = ff.displayRotation(reinterpret_cast<const int32_t *>(matrix));
            if (std::isfinite(degrees)) rotation = ((-static_cast<int>(std::lround(degrees))) % 360 + 360) % 360;
        }
    }

    double framesPerSecond() const { return seconds(ff.guessFrameRate(format, stream, nullptr)); }

    int64_t frameCount() const {
        if (stream->nb_frames > 0) return stream->nb_frames;
        double duration = format->duration > 0 ? static_cast<double>(format->duration) / AV_TIME_BASE : 0;
        if (duration <= 0 && stream->duration > 0) duration = stream->duration * seconds(stream->time_base);
        return static_cast<int64_t>(std::floor(duration * framesPerSecond() + 0.5));
    }

    /// Decodes the next frame; false at the end of the stream. A packet the decoder refuses (a damaged
    /// chunk) is skipped, and a read error ends the stream, as cv::VideoCapture's grab ends it.
    bool grab() {
        hasFrame = false;
        if (finished) return false;
        for (;;) {
            const int received = ff.receiveFrame(codec, frame);
            if (received == 0) {
                hasFrame = true;
                return true;
            }
            if (received == AVERROR_EOF) {
                finished = true;
                return false;
            }
            if (received != AVERROR(EAGAIN)) {
                // A frame that failed to decode: on to the next, unless the decoder keeps failing.
                if (++failures > kFailureLimit) throw Failure(PV_ERR_DECODE, "the video cannot be decoded: " + ff.describe(received));
                continue;
            }
            if (draining) {
                finished = true;
                return false;
            }
            if (!packetPending) {
                if (ff.readFrame(format, packet) < 0) {
                    draining = true;
                    ff.sendPacket(codec, nullptr);
                    continue;
                }
                if (packet->stream_index != streamIndex) {
                    ff.packetUnref(packet);
                    continue;
                }
            }
            const int sent = ff.sendPacket(codec, packet);
            packetPending = sent == AVERROR(EAGAIN);
            if (!packetPending) ff.packetUnref(packet);
        }
    }

    /// The grabbed frame's position in milliseconds from the stream's start.
    double positionMilliseconds() const {
        int64_t pts = frame->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = frame->pkt_dts;
        if (pts == AV_NOPTS_VALUE) return 0;
        const int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
        return static_cast<double>(pts - start) * seconds(stream->time_base) * 1000;
    }

    /// The grabbed frame as an upright BGR image.
    cv::Mat image() {
        if (!hasFrame) throw Failure(PV_ERR_DECODE, "no frame was grabbed");
        const int width = frame->width, height = frame->height;
        if (width <= 0 || height <= 0) throw Failure(PV_ERR_DECODE, "the grabbed frame has no size");
        scaler = ff.cachedScaler(scaler, width, height, static_cast<AVPixelFormat>(frame->format), width, height, AV_PIX_FMT_BGR24, SWS_BICUBIC,
                                 nullptr, nullptr, nullptr);
        if (scaler == nullptr) throw Failure(PV_ERR_DECODE, "the frame's pixel format cannot be converted");
        cv::Mat bgr(height, width, CV_8UC3);
        uint8_t *planes[4] = {bgr.data, nullptr, nullptr, nullptr};
        int strides[4] = {static_cast<int>(bgr.step[0]), 0, 0, 0};
        ff.scale(scaler, frame->data, frame->linesize, 0, height, planes, strides);
        cv::Mat upright;
        switch (rotation) {
        case 90: cv::rotate(bgr, upright, cv::ROTATE_90_CLOCKWISE); return upright;
        case 180: cv::rotate(bgr, upright, cv::ROTATE_180); return upright;
        case 270: cv::rotate(bgr, upright, cv::ROTATE_90_COUNTERCLOCKWISE); return upright;
        default: return bgr;
        }
    }
};

extern "C" {

pv_video_reader *pv_video_open(const char *path, pv_status *status) {
    return guarded<pv_video_reader *>(status, nullptr, [&]() -> pv_video_reader * {
        if (path == nullptr) throw Failure(PV_ERR_INVALID_ARGUMENT, "no path");
        const FFmpeg &ff = FFmpeg::shared();
        if (!ff.problem.empty()) throw Failure(PV_ERR_IO, ff.problem);
        auto *reader = new pv_video_reader(ff);
        try {
            reader->open(path);
        } catch (...) {
            delete reader;
            throw;
        }
        return reader;
    });
}

void pv_video_close(pv_video_reader *reader) { delete reader; }

double pv_video_fps(const pv_video_reader *reader) { return reader ? reader->framesPerSecond() : 0; }

int64_t pv_video_frame_count(const pv_video_reader *reader) { return reader ? reader->frameCount() : 0; }

int32_t pv_video_grab(pv_video_reader *reader, double *position_ms, pv_status *status) {
    return guarded<int32_t>(status, 0, [&]() -> int32_t {
        if (!reader->grab()) return 0;
        if (position_ms) *position_ms = reader->positionMilliseconds();
        return 1;
    });
}

pv_image *pv_video_retrieve(pv_video_reader *reader, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * { return wrap(reader->image()); });
}

pv_image *pv_video_next(pv_video_reader *reader, double *position_ms, pv_status *status) {
    return guarded<pv_image *>(status, nullptr, [&]() -> pv_image * {
        if (!reader->grab()) return nullptr;
        if (position_ms) *position_ms = reader->positionMilliseconds();
        return wrap(reader->image());
    });
}

}  // extern "C"

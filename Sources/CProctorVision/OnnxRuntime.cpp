// A minimal binding of ONNX Runtime's C API, loaded with dlopen.
//
// The wheel ships no header, so the few types and functions used here are declared from the public
// API documentation: OrtApi is a table of function pointers, versioned and append-only, and the
// first 102 slots (API version 1) are frozen. This file needs only those slots; when the library has
// version 6, four later slots share one memory arena between the sessions (`shareArena`).
#include "CProctorVision.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct OrtStatus;
struct OrtEnv;
struct OrtSession;
struct OrtSessionOptions;
struct OrtValue;
struct OrtMemoryInfo;
struct OrtTensorTypeAndShapeInfo;
struct OrtRunOptions;
struct OrtAllocator;
struct OrtArenaCfg;

struct OrtApiBase {
    const void *const *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
};

/// Slots of the OrtApi table (version 1 layout).
enum Slot : int {
    GetErrorMessage = 2,
    CreateEnv = 3,
    DisableTelemetryEvents = 6,
    CreateSession = 7,
    Run = 9,
    CreateSessionOptions = 10,
    SetSessionExecutionMode = 13,
    SetSessionGraphOptimizationLevel = 23,
    SetIntraOpNumThreads = 24,
    SetInterOpNumThreads = 25,
    SessionGetInputCount = 30,
    SessionGetOutputCount = 31,
    SessionGetInputName = 36,
    SessionGetOutputName = 37,
    CreateTensorWithDataAsOrtValue = 49,
    GetTensorMutableData = 51,
    GetDimensionsCount = 61,
    GetDimensions = 62,
    GetTensorShapeElementCount = 64,
    GetTensorTypeAndShape = 65,
    CreateCpuMemoryInfo = 69,
    AllocatorFree = 76,
    GetAllocatorWithDefaultOptions = 78,
    ReleaseStatus = 93,
    ReleaseSession = 95,
    ReleaseValue = 96,
    ReleaseTensorTypeAndShapeInfo = 99,
    ReleaseSessionOptions = 100,
    // Later versions (the table only grows; indexes from onnxruntime_c_api.cc's per-version asserts).
    AddSessionConfigEntry = 130,       // version 5
    CreateAndRegisterAllocator = 144,  // version 5
    CreateArenaCfg = 156,              // version 6
    ReleaseArenaCfg = 157,             // version 6
};

constexpr uint32_t kApiVersion = 1;
/// The version whose table holds the slots of the shared arena; an older library runs without it.
constexpr uint32_t kSharedArenaApiVersion = 6;
constexpr int kLoggingLevelError = 3;
constexpr int kElementTypeFloat = 1;
constexpr int kGraphOptimizationAll = 99;
constexpr int kExecutionSequential = 0;
constexpr int kArenaAllocator = 1;
constexpr int kMemTypeDefault = 0;

/// The loaded library: opened once, kept for the life of the process (ONNX Runtime allows one env).
struct Runtime {
    void *library = nullptr;
    const void *const *api = nullptr;
    OrtEnv *env = nullptr;
    OrtAllocator *allocator = nullptr;
    OrtMemoryInfo *cpu = nullptr;
    std::string version;
    /// Every session allocates from one CPU arena registered with the env (see `shareArena`).
    bool sharedArena = false;

    template <typename Function>
    Function function(Slot slot) const {
        return reinterpret_cast<Function>(const_cast<void *>(api[slot]));
    }

    /// Turns a returned OrtStatus into a message (and frees it); empty for success.
    std::string message(OrtStatus *status) const {
        if (status == nullptr) return "";
        std::string text = function<const char *(*)(const OrtStatus *)>(GetErrorMessage)(status);
        function<void (*)(OrtStatus *)>(ReleaseStatus)(status);
        return text.empty() ? "ONNX Runtime error" : text;
    }
};

std::mutex runtimeMutex;
Runtime *runtime = nullptr;

void fail(pv_status *status, int32_t code, const std::string &message) {
    if (status == nullptr) return;
    status->code = code;
    std::strncpy(status->message, message.c_str(), sizeof(status->message) - 1);
    status->message[sizeof(status->message) - 1] = '\0';
}

void succeed(pv_status *status) {
    if (status == nullptr) return;
    status->code = PV_OK;
    status->message[0] = '\0';
}

/// Registers one CPU arena with the env, for every session to allocate from.
///
/// By default each session has its own arena, grown to that model's largest run and kept: five
/// models, two workers, and the arenas together held the peak of every model at once. One shared
/// arena holds the peak of what runs at the same time (two runs, one per worker). Measured with the
/// four live models on two threads (Python, ONNX Runtime 1.31): 118 MB with an arena per session
/// against 104-108 MB shared; a server at 60 live sessions peaked at 175.6-177.4 MB against
/// 190.7-200.3 MB (README, Performance). Best effort: without the version-6 table the sessions keep
/// their own arenas.
void shareArena(Runtime &loaded, const OrtApiBase *base) {
    // The version-6 table begins with the same version-1 slots, so it serves every call from now on.
    const void *const *api = base->GetApi(kSharedArenaApiVersion);
    if (api == nullptr) return;
    loaded.api = api;
    OrtArenaCfg *configuration = nullptr;
    // 0 and -1: ONNX Runtime's defaults (no limit, its extension strategy and chunk sizes).
    std::string error = loaded.message(loaded.function<OrtStatus *(*)(size_t, int, int, int, OrtArenaCfg **)>(CreateArenaCfg)(0, -1, -1, -1, &configuration));
    if (error.empty()) {
        error = loaded.message(loaded.function<OrtStatus *(*)(OrtEnv *, const OrtMemoryInfo *, const OrtArenaCfg *)>(CreateAndRegisterAllocator)(loaded.env, loaded.cpu, configuration));
    }
    if (configuration) loaded.function<void (*)(OrtArenaCfg *)>(ReleaseArenaCfg)(configuration);
    loaded.sharedArena = error.empty();
}
}  // namespace

/// Immutable once created: runs keep their outputs in a `pv_ort_result`, so threads may share it.
struct pv_ort_session {
    OrtSession *session = nullptr;
    std::vector<std::string> inputNames;
    std::vector<std::string> outputNames;
};

/// One run's outputs: ONNX Runtime's values (released with the result), their float data and shapes.
struct pv_ort_result {
    std::vector<OrtValue *> values;
    std::vector<const float *> data;
    std::vector<size_t> lengths;
    std::vector<std::vector<int64_t>> shapes;
};

extern "C" {

int32_t pv_ort_load(const char *library_path, pv_status *status) {
    std::lock_guard<std::mutex> lock(runtimeMutex);
    succeed(status);
    if (runtime != nullptr) return 0;
    try {
        void *library = dlopen(library_path, RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr) {
            const char *reason = dlerror();
            fail(status, PV_ERR_IO, std::string("cannot open library: ") + (reason ? reason : library_path));
            return -1;
        }
        auto getApiBase = reinterpret_cast<const OrtApiBase *(*)(void)>(dlsym(library, "OrtGetApiBase"));
        if (getApiBase == nullptr) {
            dlclose(library);
            fail(status, PV_ERR_IO, std::string(library_path) + " is not an ONNX Runtime library (no OrtGetApiBase)");
            return -1;
        }
        const OrtApiBase *base = getApiBase();
        const void *const *api = base ? base->GetApi(kApiVersion) : nullptr;
        if (api == nullptr) {
            dlclose(library);
            fail(status, PV_ERR_IO, "ONNX Runtime library does not provide API version 1");
            return -1;
        }
        auto *loaded = new Runtime;
        loaded->library = library;
        loaded->api = api;
        loaded->version = base->GetVersionString ? base->GetVersionString() : "unknown";
        std::string error = loaded->message(loaded->function<OrtStatus *(*)(int, const char *, OrtEnv **)>(CreateEnv)(kLoggingLevelError, "proctor", &loaded->env));
        if (error.empty()) error = loaded->message(loaded->function<OrtStatus *(*)(const OrtEnv *)>(DisableTelemetryEvents)(loaded->env));
        if (error.empty()) error = loaded->message(loaded->function<OrtStatus *(*)(OrtAllocator **)>(GetAllocatorWithDefaultOptions)(&loaded->allocator));
        if (error.empty()) error = loaded->message(loaded->function<OrtStatus *(*)(int, int, OrtMemoryInfo **)>(CreateCpuMemoryInfo)(kArenaAllocator, kMemTypeDefault, &loaded->cpu));
        if (!error.empty()) {
            fail(status, PV_ERR_INTERNAL, "ONNX Runtime initialisation failed: " + error);
            delete loaded;  // the library stays mapped: an env may hold threads
            return -1;
        }
        shareArena(*loaded, base);
        runtime = loaded;
        return 0;
    } catch (const std::exception &exception) {
        fail(status, PV_ERR_INTERNAL, exception.what());
        return -1;
    }
}

const char *pv_ort_version(void) {
    std::lock_guard<std::mutex> lock(runtimeMutex);
    return runtime ? runtime->version.c_str() : "";
}

int32_t pv_ort_shares_arena(void) {
    std::lock_guard<std::mutex> lock(runtimeMutex);
    return runtime && runtime->sharedArena ? 1 : 0;
}

pv_ort_session *pv_ort_session_create(const char *model_path, int32_t intra_op_threads, pv_status *status) {
    succeed(status);
    const Runtime *rt;
    {
        std::lock_guard<std::mutex> lock(runtimeMutex);
        rt = runtime;
    }
    if (rt == nullptr) {
        fail(status, PV_ERR_INVALID_ARGUMENT, "ONNX Runtime is not loaded");
        return nullptr;
    }
    try {
        OrtSessionOptions *options = nullptr;
        std::string error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions **)>(CreateSessionOptions)(&options));
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions *, int)>(SetIntraOpNumThreads)(options, intra_op_threads > 0 ? intra_op_threads : 1));
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions *, int)>(SetInterOpNumThreads)(options, 1));
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions *, int)>(SetSessionExecutionMode)(options, kExecutionSequential));
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions *, int)>(SetSessionGraphOptimizationLevel)(options, kGraphOptimizationAll));
        if (error.empty() && rt->sharedArena) {
            error = rt->message(rt->function<OrtStatus *(*)(OrtSessionOptions *, const char *, const char *)>(AddSessionConfigEntry)(options, "session.use_env_allocators", "1"));
        }
        auto *handle = new pv_ort_session;
        if (error.empty()) {
            error = rt->message(rt->function<OrtStatus *(*)(const OrtEnv *, const char *, const OrtSessionOptions *, OrtSession **)>(CreateSession)(rt->env, model_path, options, &handle->session));
        }
        if (options) rt->function<void (*)(OrtSessionOptions *)>(ReleaseSessionOptions)(options);
        size_t inputs = 0, outputs = 0;
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(const OrtSession *, size_t *)>(SessionGetInputCount)(handle->session, &inputs));
        if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(const OrtSession *, size_t *)>(SessionGetOutputCount)(handle->session, &outputs));
        auto name = [&](Slot slot, size_t index, std::vector<std::string> &into) {
            char *value = nullptr;
            std::string problem = rt->message(rt->function<OrtStatus *(*)(const OrtSession *, size_t, OrtAllocator *, char **)>(slot)(handle->session, index, rt->allocator, &value));
            if (problem.empty() && value) {
                into.emplace_back(value);
                rt->message(rt->function<OrtStatus *(*)(OrtAllocator *, void *)>(AllocatorFree)(rt->allocator, value));
            }
            return problem;
        };
        for (size_t i = 0; error.empty() && i < inputs; ++i) error = name(SessionGetInputName, i, handle->inputNames);
        for (size_t i = 0; error.empty() && i < outputs; ++i) error = name(SessionGetOutputName, i, handle->outputNames);
        if (error.empty() && handle->inputNames.empty()) error = "model has no inputs";
        if (!error.empty()) {
            pv_ort_session_free(handle);
            fail(status, PV_ERR_IO, error);
            return nullptr;
        }
        return handle;
    } catch (const std::exception &exception) {
        fail(status, PV_ERR_INTERNAL, exception.what());
        return nullptr;
    }
}

void pv_ort_session_free(pv_ort_session *session) {
    if (session == nullptr) return;
    if (session->session && runtime) runtime->function<void (*)(OrtSession *)>(ReleaseSession)(session->session);
    delete session;
}

int32_t pv_ort_session_input_count(const pv_ort_session *session) { return static_cast<int32_t>(session->inputNames.size()); }

const char *pv_ort_session_input_name(const pv_ort_session *session, int32_t index) {
    return index >= 0 && index < static_cast<int32_t>(session->inputNames.size()) ? session->inputNames[index].c_str() : "";
}

int32_t pv_ort_session_output_count(const pv_ort_session *session) { return static_cast<int32_t>(session->outputNames.size()); }

const char *pv_ort_session_output_name(const pv_ort_session *session, int32_t index) {
    return index >= 0 && index < static_cast<int32_t>(session->outputNames.size()) ? session->outputNames[index].c_str() : "";
}

pv_ort_result *pv_ort_session_run(const pv_ort_session *session, const float *input, const int64_t *shape, int32_t rank, pv_status *status) {
    pv_ort_input only = {input, PV_ORT_FLOAT, shape, rank};
    return pv_ort_session_run_inputs(session, &only, 1, status);
}

void pv_ort_result_free(pv_ort_result *result) {
    if (result == nullptr) return;
    if (runtime) {
        for (OrtValue *value : result->values) {
            if (value) runtime->function<void (*)(OrtValue *)>(ReleaseValue)(value);
        }
    }
    delete result;
}

pv_ort_result *pv_ort_session_run_inputs(const pv_ort_session *session, const pv_ort_input *inputs, int32_t count, pv_status *status) {
    succeed(status);
    const Runtime *rt = runtime;
    if (rt == nullptr || session == nullptr || session->session == nullptr) {
        fail(status, PV_ERR_INVALID_ARGUMENT, "ONNX Runtime session is not open");
        return nullptr;
    }
    if (inputs == nullptr || count < 1 || count > static_cast<int32_t>(session->inputNames.size())) {
        fail(status, PV_ERR_INVALID_ARGUMENT, "the model takes " + std::to_string(session->inputNames.size()) + " inputs");
        return nullptr;
    }
    auto *result = new pv_ort_result;
    try {
        std::string error;
        std::vector<OrtValue *> tensors(static_cast<size_t>(count), nullptr);
        std::vector<const char *> inputNames;
        for (int32_t index = 0; index < count && error.empty(); ++index) {
            const pv_ort_input &input = inputs[index];
            if (input.element_type != PV_ORT_FLOAT && input.element_type != PV_ORT_INT64) {
                error = "input " + std::to_string(index) + " has an unsupported element type";
                break;
            }
            size_t elements = 1;
            for (int32_t i = 0; i < input.rank; ++i) elements *= static_cast<size_t>(input.shape[i]);
            const size_t size = input.element_type == PV_ORT_FLOAT ? sizeof(float) : sizeof(int64_t);
            error = rt->message(rt->function<OrtStatus *(*)(const OrtMemoryInfo *, void *, size_t, const int64_t *, size_t, int, OrtValue **)>(CreateTensorWithDataAsOrtValue)(
                rt->cpu, const_cast<void *>(input.data), elements * size, input.shape, static_cast<size_t>(input.rank), input.element_type, &tensors[index]));
            inputNames.push_back(session->inputNames[index].c_str());
        }
        std::vector<const char *> outputNames;
        for (const auto &name : session->outputNames) outputNames.push_back(name.c_str());
        result->values.assign(outputNames.size(), nullptr);
        if (error.empty()) {
            error = rt->message(rt->function<OrtStatus *(*)(OrtSession *, const OrtRunOptions *, const char *const *, const OrtValue *const *, size_t, const char *const *, size_t, OrtValue **)>(Run)(
                session->session, nullptr, inputNames.data(), tensors.data(), tensors.size(), outputNames.data(), outputNames.size(), result->values.data()));
        }
        for (OrtValue *tensor : tensors) {
            if (tensor) rt->function<void (*)(OrtValue *)>(ReleaseValue)(tensor);
        }
        const size_t outputs = result->values.size();
        result->data.assign(outputs, nullptr);
        result->lengths.assign(outputs, 0);
        result->shapes.assign(outputs, {});
        for (size_t i = 0; i < outputs && error.empty(); ++i) {
            OrtValue *value = result->values[i];
            if (value == nullptr) continue;
            OrtTensorTypeAndShapeInfo *info = nullptr;
            size_t dimensions = 0, elements = 0;
            error = rt->message(rt->function<OrtStatus *(*)(const OrtValue *, OrtTensorTypeAndShapeInfo **)>(GetTensorTypeAndShape)(value, &info));
            if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, size_t *)>(GetDimensionsCount)(info, &dimensions));
            if (error.empty()) {
                result->shapes[i].resize(dimensions);
                error = rt->message(rt->function<OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, int64_t *, size_t)>(GetDimensions)(info, result->shapes[i].data(), dimensions));
            }
            if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, size_t *)>(GetTensorShapeElementCount)(info, &elements));
            if (info) rt->function<void (*)(OrtTensorTypeAndShapeInfo *)>(ReleaseTensorTypeAndShapeInfo)(info);
            void *data = nullptr;
            if (error.empty()) error = rt->message(rt->function<OrtStatus *(*)(OrtValue *, void **)>(GetTensorMutableData)(value, &data));
            if (error.empty() && data) {
                result->data[i] = static_cast<const float *>(data);
                result->lengths[i] = elements;
            }
        }
        if (!error.empty()) {
            pv_ort_result_free(result);
            fail(status, PV_ERR_OPENCV, "ONNX Runtime: " + error);
            return nullptr;
        }
        return result;
    } catch (const std::exception &exception) {
        pv_ort_result_free(result);
        fail(status, PV_ERR_INTERNAL, exception.what());
        return nullptr;
    }
}

int32_t pv_ort_result_count(const pv_ort_result *result) { return result ? static_cast<int32_t>(result->values.size()) : 0; }

int32_t pv_ort_result_rank(const pv_ort_result *result, int32_t index) {
    if (result == nullptr || index < 0 || index >= static_cast<int32_t>(result->shapes.size())) return 0;
    return static_cast<int32_t>(result->shapes[index].size());
}

int32_t pv_ort_result_shape(const pv_ort_result *result, int32_t index, int64_t *dimensions, int32_t capacity) {
    if (result == nullptr || index < 0 || index >= static_cast<int32_t>(result->shapes.size())) return 0;
    const auto &shape = result->shapes[index];
    int32_t count = std::min(capacity, static_cast<int32_t>(shape.size()));
    for (int32_t i = 0; i < count; ++i) dimensions[i] = shape[i];
    return count;
}

size_t pv_ort_result_length(const pv_ort_result *result, int32_t index) {
    if (result == nullptr || index < 0 || index >= static_cast<int32_t>(result->lengths.size())) return 0;
    return result->lengths[index];
}

size_t pv_ort_result_copy(const pv_ort_result *result, int32_t index, float *destination, size_t capacity) {
    if (result == nullptr || index < 0 || index >= static_cast<int32_t>(result->data.size()) || result->data[index] == nullptr) return 0;
    size_t count = std::min(capacity, result->lengths[index]);
    std::memcpy(destination, result->data[index], count * sizeof(float));
    return count;
}

}  // extern "C"

#pragma once

// What the GStreamer suites share: an isolated GStreamer, a tiny x4 model, harnesses around the
// element itself.

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <torch/utils.h>

#include "srgan/checkpoint.h"
#include "srgan/generator.h"

namespace srgan::test {

/// Initialises GStreamer with only our plugin (plus `system_plugins`, "" for none) and a registry
/// in the build tree. Set before gst_init, so a test binary is isolated however it is run.
/// Plugins are scanned in-process: a sanitizer build's plugin cannot load in the
/// (uninstrumented) forked scanner.
inline void init_isolated_gstreamer(const char* system_plugins, const char* registry) {
  g_setenv("GST_PLUGIN_SYSTEM_PATH_1_0", system_plugins, TRUE);
  g_setenv("GST_PLUGIN_PATH_1_0", SRGAN_PLUGIN_DIR, TRUE);
  g_setenv("GST_REGISTRY_1_0", registry, TRUE);
  g_setenv("GST_REGISTRY_FORK", "no", TRUE);
  gst_init(nullptr, nullptr);
}

/// Writes a small random x4 generator checkpoint (one residual block) to `path`.
inline void write_tiny_x4_model(const std::string& path, int64_t channels, uint64_t seed) {
  torch::manual_seed(seed);
  Generator generator(GeneratorOptions().blocks(1).channels(channels).scale(4));
  generator->eval();
  save_checkpoint(path, *generator, {});
}

/// A harness around srganupscale itself (h->element is the element) on the CPU in fp32, configured
/// before it starts: "name=value" settings as gst-launch takes them.
inline GstHarness* upscale_harness(
    const std::string& model,
    const std::vector<std::pair<const char*, std::string>>& settings = {}) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  // fp32: precision=auto may measure bf16 faster on this CPU, and tests compare exact bytes.
  g_object_set(element, "device", "cpu", "model-location", model.c_str(), nullptr);
  gst_util_set_object_arg(G_OBJECT(element), "precision", "fp32");
  for (const auto& [name, value] : settings)
    gst_util_set_object_arg(G_OBJECT(element), name, value.c_str());
  GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
  gst_object_unref(element);
  return h;
}

/// A pipeline from a launch line; nullptr (and a failed expectation) when it does not parse.
inline GstElement* launch(const std::string& description) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  EXPECT_EQ(error, nullptr) << description << ": " << (error ? error->message : "");
  if (error) {
    g_error_free(error);
    if (pipeline) gst_object_unref(pipeline);
    return nullptr;
  }
  return pipeline;
}

/// Counts, while it lives, the element's INFO debug lines that contain `text`: what the element
/// did ("loaded model", "warmed up at") shows in its log.
class ElementLogCounter {
 public:
  explicit ElementLogCounter(std::string text, GstDebugLevel level = GST_LEVEL_INFO)
      : text_(std::move(text)) {
    gst_debug_set_threshold_for_name("srganupscale", level);
    gst_debug_add_log_function(&ElementLogCounter::log, this, nullptr);
  }
  ~ElementLogCounter() { gst_debug_remove_log_function_by_data(this); }
  ElementLogCounter(const ElementLogCounter&) = delete;
  ElementLogCounter& operator=(const ElementLogCounter&) = delete;
  int count() const { return count_; }

 private:
  static void log(GstDebugCategory* category, GstDebugLevel, const gchar*, const gchar*, gint,
                  GObject*, GstDebugMessage* message, gpointer data) {
    auto* self = static_cast<ElementLogCounter*>(data);
    if (std::strcmp(gst_debug_category_get_name(category), "srganupscale") == 0 &&
        std::strstr(gst_debug_message_get(message), self->text_.c_str())) {
      ++self->count_;
    }
  }
  std::string text_;
  std::atomic<int> count_{0};
};

}  // namespace srgan::test

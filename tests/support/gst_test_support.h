#pragma once

// What the GStreamer suites share: an isolated GStreamer, a tiny x4 model, harnesses around the
// element itself.

#include <gst/check/gstharness.h>
#include <gst/gst.h>

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
  Generator generator(GeneratorOptions().residual_blocks(1).channels(channels).scale(4));
  generator->eval();
  save_checkpoint(path, *generator, {});
}

/// A harness around srganupscale itself (h->element is the element) on the CPU, configured
/// before it starts: "name=value" settings as gst-launch takes them.
inline GstHarness* upscale_harness(
    const std::string& model,
    const std::vector<std::pair<const char*, std::string>>& settings = {}) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  g_object_set(element, "device", "cpu", "model-location", model.c_str(), nullptr);
  for (const auto& [name, value] : settings)
    gst_util_set_object_arg(G_OBJECT(element), name, value.c_str());
  GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
  gst_object_unref(element);
  return h;
}

}  // namespace srgan::test

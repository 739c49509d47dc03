/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "model_location.h"

#include <dlfcn.h>

#include <string>

#include <glib.h>

namespace srgan::gst {
namespace {

// The folder this plugin was loaded from.
std::string plugin_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&default_model_location), &info) == 0 || !info.dli_fname)
    return "";
  gchar* dir = g_path_get_dirname(info.dli_fname);
  std::string result(dir);
  g_free(dir);
  return result;
}

}  // namespace

const char* default_model_location() {
  static const std::string location = [] {
    // Installed: <prefix>/<libdir>/gstreamer-1.0 -> <prefix>/<datadir>/srganupscale/models, for
    // any prefix. From the build tree: the source tree's models/. Otherwise the configured path,
    // so that the error names where the model was expected.
    const std::string installed =
        plugin_dir() + "/" + SRGAN_MODEL_DIR_FROM_PLUGIN + "/" + SRGAN_MODEL_FILE;
    for (const std::string& candidate : {installed, std::string(SRGAN_SOURCE_MODEL)}) {
      if (g_file_test(candidate.c_str(), G_FILE_TEST_IS_REGULAR)) return candidate;
    }
    return std::string(SRGAN_INSTALLED_MODEL);
  }();
  return location.c_str();
}

}  // namespace srgan::gst

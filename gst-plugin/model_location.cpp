/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "model_location.h"

#include <string>

#include <glib.h>

namespace srgan::gst {

const char* default_model_location() {
  static const std::string location = [] {
    for (const char* candidate : {SRGAN_INSTALLED_MODEL, SRGAN_SOURCE_MODEL}) {
      if (g_file_test(candidate, G_FILE_TEST_IS_REGULAR)) return std::string(candidate);
    }
    return std::string(SRGAN_INSTALLED_MODEL);
  }();
  return location.c_str();
}

}  // namespace srgan::gst

/* Where the element finds the bundled models.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string>

namespace srgan::gst {

/// The file of the bundled model `name` (x4, x2): in the install this plugin belongs to
/// (<prefix>/share/srganupscale/models, for any prefix), else in the source tree a build tree
/// was configured from. Throws srgan::ModelFileError naming where it looked.
std::string bundled_model_location(const std::string& name);

}  // namespace srgan::gst

/* Where the element finds the bundled model.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

namespace srgan::gst {

/// The bundled model: in the source tree when the plugin runs from its build tree, at the
/// installed data path otherwise (the install path when neither exists, so errors name it).
const char* default_model_location();

}  // namespace srgan::gst

#pragma once

// Starting a training run from a saved model's weights (`srgan-train train --init`): which saved
// networks can seed which, and the copy that keeps what the saved network computes.

#include <string>

#include "srgan/generator.h"
#include "srgan/generator_options.h"

namespace srgan {

// Empty when a network saved with `saved` can seed one built with `run`; otherwise why not, in
// words. Besides the same network, two changes keep what the saved one learned:
//  - compact, PReLU -> LeakyReLU: the convolutions carry over by name, the learned slopes are
//    dropped and the fine-tuning learns around the fixed one;
//  - compact, more --channels: the saved convolutions fill the first channels and the new
//    channels' outgoing weights start at zero, so the wider network computes exactly what the
//    saved one did until training puts the new channels to use.
std::string why_weights_do_not_fit(const GeneratorOptions& saved, const GeneratorOptions& run);

// Loads the model at `path` into `g`; throws srgan::Error when its network does not fit.
void start_from_weights(GeneratorImpl& g, const std::string& path);

}  // namespace srgan

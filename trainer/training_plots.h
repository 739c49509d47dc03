#pragma once

// srgan-train's plots of a run: plots/losses.png and plots/psnr.png drawn by gnuplot from the
// metrics.csv that the training library writes.

#include <string>

namespace srgan::cli {

/// The gnuplot script that draws plots/losses.png and plots/psnr.png from metrics.csv, with
/// the step where the GAN phase starts marked on both when the file has GAN rows.
std::string plot_script(const std::string& csv, const std::string& plots_dir);

/// Redraws the plots with gnuplot. Returns false (and draws nothing) when gnuplot is not
/// installed.
bool draw_plots(const std::string& csv, const std::string& plots_dir);

}  // namespace srgan::cli

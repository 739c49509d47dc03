#include "training_plots.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace srgan::cli {
namespace {

// The first step of the GAN phase in metrics.csv, or -1.
int64_t first_gan_step(const std::string& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const size_t comma = line.find(',');
    if (comma != std::string::npos && line.compare(comma + 1, 4, "gan,") == 0)
      return std::stoll(line.substr(0, comma));
  }
  return -1;
}

}  // namespace

std::string plot_script(const std::string& csv, const std::string& plots_dir) {
  // Columns: 1 step, 2 phase, 4 d_real, 5 d_fake, 6 g_adv, 7 vgg, 8 mse, 9 total, 12 psnr,
  // 14 bicubic psnr. Empty cells are missing values, so each curve shows only its phase's rows.
  std::ostringstream script;
  script << "set datafile separator ','\nset datafile missing ''\nset key outside right\n"
         << "set terminal pngcairo size 1000,600 noenhanced\nset xlabel 'step'\n";
  const int64_t gan = first_gan_step(csv);
  if (gan >= 0) {
    script << "set arrow from " << gan << ", graph 0 to " << gan
           << ", graph 1 nohead dashtype 2 linecolor rgb 'gray40'\n"
           << "set label 'GAN phase from step " << gan << "' at " << gan
           << ", graph 0.97 offset 0.5, 0 textcolor rgb 'gray40'\n";
  }
  script
      << "set output '" << plots_dir << "/losses.png'\nset title 'Training losses'\n"
      << "set logscale y\nplot for [c in '4 5 6 7 8 9'] '" << csv
      << "' using 1:(column(int(c))) with lines title columnheader(int(c))\n"
      << "unset logscale y\nset output '" << plots_dir << "/psnr.png'\n"
      << "set title 'Validation PSNR (Y)'\nset ylabel 'dB'\n"
      << "plot '" << csv
      << "' using 1:12 with linespoints title 'SRGAN', '' using 1:14 with lines title 'bicubic'\n";
  return script.str();
}

bool draw_plots(const std::string& csv, const std::string& plots_dir) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) return false;
  FILE* gnuplot = popen("gnuplot 2>/dev/null", "w");
  if (!gnuplot) return false;
  fputs(plot_script(csv, plots_dir).c_str(), gnuplot);
  // gnuplot fails on a plot without data (the PSNR plot of a run without validation photos)
  // after drawing the others: gnuplot is there, which is what the caller asks.
  pclose(gnuplot);
  return true;
}

}  // namespace srgan::cli
